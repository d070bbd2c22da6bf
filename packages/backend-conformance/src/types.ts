/** @file Types of the conformance kit: cases, input specs, known gaps, check results, the injected test API. */
import type { BackendPrim, BackendPrimParams, DType, Tensor } from '@kx/core'

/**
 * How a case input's values are drawn (seeded by the case id, so every run and every backend sees
 * the same numbers).
 */
export type InputGen =
  /** Floats uniform in `[low, high)`. */
  | { readonly kind: 'uniform'; readonly low: number; readonly high: number }
  /** Integers uniform in `[low, high]`. */
  | { readonly kind: 'int'; readonly low: number; readonly high: number }
  /** Floats with magnitude uniform in `[low, high)` and a random sign (denominators, kinks avoided). */
  | { readonly kind: 'nonzero'; readonly low: number; readonly high: number }
  /** Random booleans. */
  | { readonly kind: 'bool' }
  /** Explicit row-major values (length = size of the shape); `NaN`, `±Infinity` and `-0` allowed. */
  | { readonly kind: 'values'; readonly values: readonly number[] }
  /** A shuffled grid of distinct values in `[low, high)`: no ties (sort, top_k, max-pooling gradients). */
  | { readonly kind: 'distinct'; readonly low: number; readonly high: number }
  /** Symmetric positive definite matrices in the last two dims (`A·Aᵀ/n + I`). */
  | { readonly kind: 'spd' }
  /** Symmetric matrices in the last two dims, entries in `[-2, 2)`. */
  | { readonly kind: 'symmetric' }
  /** Random matrices with `n` added on the diagonal (well-conditioned triangular solves). */
  | { readonly kind: 'diagDominant' }

/** One input of a case: shape, dtype and how its values are drawn (default: by dtype). */
export interface InputSpec {
  readonly shape: readonly number[]
  readonly dtype: DType
  readonly gen?: InputGen
}

/**
 * One conformance case of primitive `P`: inputs and parameters, plus what the checks need to know.
 * The forward check compares `post(prim(inputs))`; the VJP and gradient checks differentiate
 * `post ∘ prim ∘ pre` with respect to the inputs listed in `wrt`.
 */
export interface ConformanceCase<P extends BackendPrim> {
  /** Unique within the primitive; the case id is `<prim>/<name>`. */
  readonly name: string
  readonly inputs: readonly InputSpec[]
  readonly params: BackendPrimParams[P]
  /** Inputs the VJP and gradient checks differentiate (default: every floating-point input). */
  readonly wrt?: readonly number[]
  /** Why this case has no VJP/gradient check (special values, kinks, ties). */
  readonly noGrad?: string
  /** Why this case has no JAX golden check (behaviour JAX leaves unspecified). */
  readonly noGolden?: string
  /** Multiplies the dtype tolerance of the value and VJP comparisons. */
  readonly tolScale?: number
  /** Maps inputs into the primitive's domain inside differentiated functions (written with `lax`). */
  readonly pre?: (inputs: readonly Tensor[]) => Tensor[]
  /** Canonicalises outputs that are unique only up to sign (QR, eigh, SVD), written with `lax`. */
  readonly post?: (outputs: readonly Tensor[]) => Tensor[]
}

/** Cases for every primitive a backend implements; a missing primitive is a compile error. */
export type ConformanceTable = { readonly [P in BackendPrim]: readonly ConformanceCase<P>[] }

/** A primitive the backend under test does not (fully) conform on: reported, never silently skipped. */
export interface KnownGap {
  readonly prim: BackendPrim
  readonly reason: string
  /** Issue tracking the gap (URL or `#123`). */
  readonly issue?: string
}

/** The kinds of check the kit runs. */
export type CheckKind = 'values' | 'vjp' | 'grad' | 'golden'

/**
 * Outcome of one check. `gap`: failed on a primitive listed in `knownGaps`; `unsupported`: the
 * backend does not declare a dtype the case needs; `na`: the check does not apply (reason given).
 */
export type CheckStatus = 'pass' | 'fail' | 'gap' | 'unsupported' | 'na'

/** One recorded check outcome. */
export interface CheckRecord {
  readonly prim: BackendPrim
  readonly caseName: string
  readonly check: CheckKind
  readonly status: CheckStatus
  readonly message?: string
}

/** The part of a test framework the kit needs (vitest's `describe`, `it` and `expect` fit). */
export interface TestApi {
  describe(name: string, fn: () => void): void
  it(name: string, fn: () => void | Promise<void>, timeout?: number): void
  expect(actual: unknown, message?: string): { toEqual(expected: unknown): void }
}
