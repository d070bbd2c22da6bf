/** @file Loading the ops packages' golden JSON (through a reader the test supplies) into the cases `runOpsConformance` runs. */
import type { NnGoldenCase } from './nn-golden.js'
import { NN_GRAD_CASES } from './nn-grad-cases.js'
import { NUMPY_GOLDEN_GROUPS, type NumpyGoldenCase, type OpsNamespace } from './numpy-golden.js'
import type { OpsCases } from './run.js'

/** Every golden case of `@kx/ops-numpy` (all groups) and `@kx/ops-nn` (nn and image). */
export interface OpsGolden {
  readonly numpy: readonly NumpyGoldenCase[]
  readonly nn: readonly NnGoldenCase[]
  readonly image: readonly NnGoldenCase[]
}

/**
 * Reads the golden files of the ops packages. `read` gets a path relative to the repository's `packages/`
 * folder (`ops-numpy/test/golden/ops_numpy_elementwise.json`) and returns the parsed JSON, so the kit itself
 * never touches a file system.
 *
 * @example
 * ```ts
 * const golden = loadOpsGolden((p) => JSON.parse(readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8')))
 * ```
 */
export function loadOpsGolden(read: (pathFromPackages: string) => unknown): OpsGolden {
  const cases = <T>(path: string): T[] => (read(path) as { cases: T[] }).cases
  return {
    numpy: NUMPY_GOLDEN_GROUPS.flatMap((g) => cases<NumpyGoldenCase>(`ops-numpy/test/golden/ops_numpy_${g}.json`)),
    nn: cases<NnGoldenCase>('ops-nn/test/golden/ops_nn.json'),
    image: cases<NnGoldenCase>('ops-nn/test/golden/ops_image.json'),
  }
}

/**
 * The cases of `runOpsConformance`: the golden data with the op namespaces that run it, and every gradient case.
 *
 * @example
 * ```ts
 * import * as numpy from '@kx/ops-numpy'
 * import * as nn from '@kx/ops-nn'
 * runOpsConformance(factory, api, { name: 'mine' }, opsCases(golden, numpy, nn))
 * ```
 */
export function opsCases(golden: OpsGolden, numpy: OpsNamespace, nn: OpsNamespace): OpsCases {
  return {
    numpy: { ops: numpy, cases: golden.numpy },
    nn: { ops: nn, cases: golden.nn, imageCases: golden.image, gradCases: NN_GRAD_CASES },
  }
}
