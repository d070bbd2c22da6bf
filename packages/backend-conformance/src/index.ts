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
export { materialize, hashString, seededRandom } from './data.js'
export type { HostArray, EncodedArray } from './data.js'
export type {
  ConformanceCase, ConformanceTable, InputSpec, InputGen, KnownGap, CheckKind, CheckStatus, CheckRecord, TestApi,
} from './types.js'
export { runOpsConformance, firstCasesPerOp } from './ops/run.js'
export type { OpsCases, OpsConformanceOptions } from './ops/run.js'
export { loadOpsGolden, opsCases } from './ops/load.js'
export type { OpsGolden } from './ops/load.js'
export { OpsConformanceResults } from './ops/results.js'
export type { OpsKnownGap, OpsSuite, OpsCheckKind, OpsRecord, OpsSummary, OpsSummaryEntry } from './ops/results.js'
export {
  NUMPY_GOLDEN_GROUPS, NUMPY_GRAD_GROUPS, NUMPY_DIVERGENCES, SIGN_FREE, num, flat, decodeTensor, decodeArg, camel, resolveOp, caseArgs,
  callNumpyCase, numpyTolerance, closeProblems, numpyOutProblems, absOutputs, absExpected, numpyCaseDtypes,
} from './ops/numpy-golden.js'
export type {
  Enc, EncTensor, EncKeyItem, EncArg, EncOut, NumpyGoldenCase, OpsNamespace, DecodeTarget, OutCompareOptions,
} from './ops/numpy-golden.js'
export { NN_RUN, IMAGE_RUN, nnDType, fromGolden, nnTolFor, nnTolerance, nnOutProblems } from './ops/nn-golden.js'
export type { NnGoldenArray, NnGoldenCase, NnRun } from './ops/nn-golden.js'
export { NN_GRAD_CASES, sinInput, lossWeights } from './ops/nn-grad-cases.js'
export type { NnGradCase, GradInput } from './ops/nn-grad-cases.js'
export { mergeOpsSummaries, OpsCoverageRenderer } from './ops/table.js'
export { FLOAT32_GOLDEN_GAPS } from './ops/gaps.js'
export type { OpsCoverage } from './ops/table.js'
