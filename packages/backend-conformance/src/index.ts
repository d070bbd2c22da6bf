/**
 * @kx/backend-conformance: the backend conformance kit. One table-driven suite over every primitive
 * of the Backend contract: output shapes and dtypes against the shared `abstractEval` rules, values
 * and VJPs against the `reference` backend, VJPs against finite differences (float64), and the
 * reference itself against golden data from the real JAX. Known gaps are typed and reported.
 *
 * @packageDocumentation
 */
export { runConformance } from './run.js'
export type { ConformanceOptions } from './run.js'
export { runGradientChecks } from './gradcheck.js'
export type { GradientCheckOptions } from './gradcheck.js'
export { runGoldenChecks, dumpCases } from './golden.js'
export type { GoldenCheckOptions, GoldenFile, GoldenEntry, DumpedCase } from './golden.js'
export { coverageTable } from './report.js'
export { ConformanceResults } from './results.js'
export { CASES, DIFFERENTIABLE, caseId } from './cases/index.js'
export { toleranceFor, compareArrays } from './compare.js'
export type { Tolerance } from './compare.js'
export { materialize, hashString } from './data.js'
export type { HostArray, EncodedArray } from './data.js'
export type {
  ConformanceCase, ConformanceTable, InputSpec, InputGen, KnownGap, CheckKind, CheckStatus, CheckRecord, TestApi,
} from './types.js'
