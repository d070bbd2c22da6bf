/** @file Builders for case inputs, plus the `pre`/`post` transforms (written with `lax`) some cases need. */
import { full, lax, tensor, type DType, type Tensor } from '@kx/core'
import type { InputGen, InputSpec } from '../types.js'

export const uniform = (low: number, high: number): InputGen => ({ kind: 'uniform', low, high })
export const ints = (low: number, high: number): InputGen => ({ kind: 'int', low, high })
export const nonzero = (low: number, high: number): InputGen => ({ kind: 'nonzero', low, high })
export const distinct = (low = -2, high = 2): InputGen => ({ kind: 'distinct', low, high })
export const values = (v: readonly number[]): InputGen => ({ kind: 'values', values: v })
export const SPD: InputGen = { kind: 'spd' }
export const SYMMETRIC: InputGen = { kind: 'symmetric' }
export const DIAG_DOMINANT: InputGen = { kind: 'diagDominant' }

/** An input spec of any dtype. */
export const input = (dtype: DType, shape: readonly number[], gen?: InputGen): InputSpec => (gen ? { dtype, shape, gen } : { dtype, shape })
export const f16 = (shape: readonly number[], gen?: InputGen): InputSpec => input('float16', shape, gen)
export const bf16 = (shape: readonly number[], gen?: InputGen): InputSpec => input('bfloat16', shape, gen)
export const f32 = (shape: readonly number[], gen?: InputGen): InputSpec => input('float32', shape, gen)
export const f64 = (shape: readonly number[], gen?: InputGen): InputSpec => input('float64', shape, gen)
export const i32 = (shape: readonly number[], gen?: InputGen): InputSpec => input('int32', shape, gen)
export const bool = (shape: readonly number[], gen?: InputGen): InputSpec => input('bool', shape, gen)

/** Special float values: NaN, ±∞, ±0 and two ordinary numbers. */
export const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1.5, -2.25] as const

const onesLikeAt = (x: Tensor, v: number): Tensor => full(x.shape, v, x.dtype, x.backend)
const swapLast = (rank: number): number[] => [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2]

/** `pre`: symmetrises the first input, `(a + aᵀ)/2`, so a check does not depend on which triangle a
 * decomposition reads (identity on the symmetric inputs the cases generate). */
export function symmetrizeFirst(inputs: readonly Tensor[]): Tensor[] {
  const [a, ...rest] = inputs
  const s = lax.mul(lax.add(a!, lax.transpose(a!, swapLast(a!.shape.length))), onesLikeAt(a!, 0.5))
  return [s, ...rest]
}

/** Signs `[..., c]` that make each column of `m [..., r, c]` have a positive weighted sum (weights 1 + 0.37·i). */
function columnSigns(m: Tensor): Tensor {
  const rank = m.shape.length
  const r = m.shape[rank - 2]!
  const w = tensor(Array.from({ length: r }, (_, i) => 1 + 0.37 * i), { shape: [r], dtype: m.dtype, backend: m.backend })
  const wb = lax.broadcastInDim(w, m.shape, [rank - 2])
  return lax.sign(lax.reduceSum(lax.mul(m, wb), [rank - 2]))
}

/** Multiplies the columns (`axis = rank-1`, signs broadcast over dim rank-2) or rows (`axis = rank-2`) of `m` by `s`. */
function scaleBy(m: Tensor, s: Tensor, axis: 'columns' | 'rows'): Tensor {
  const rank = m.shape.length
  const keep = Array.from({ length: rank }, (_, i) => i).filter((i) => i !== (axis === 'columns' ? rank - 2 : rank - 1))
  return lax.mul(m, lax.broadcastInDim(s, m.shape, keep))
}

/** `post` for QR (`m ≥ n`): `q·D`, `D·r` with `D = sign(diag r)`, the unique factorisation with a positive diagonal. */
export function canonicalQr([q, r]: readonly Tensor[]): Tensor[] {
  const rank = r!.shape.length
  const k = r!.shape[rank - 2]!
  const n = r!.shape[rank - 1]!
  const eye = tensor(Array.from({ length: k * n }, (_, i) => (Math.floor(i / n) === i % n ? 1 : 0)), { shape: [k, n], dtype: r!.dtype, backend: r!.backend })
  const diag = lax.reduceSum(lax.mul(r!, lax.broadcastInDim(eye, r!.shape, [rank - 2, rank - 1])), [rank - 1])
  const s = lax.sign(diag)
  return [scaleBy(q!, s, 'columns'), scaleBy(r!, s, 'rows')]
}

/** `post` for eigh: eigenvector columns with a fixed sign; eigenvalues unchanged. */
export function canonicalEigh([v, w]: readonly Tensor[]): Tensor[] {
  return [scaleBy(v!, columnSigns(v!), 'columns'), w!]
}

/** `post` for SVD with `u`/`vh` (reduced, or full and square): the same sign flip on u's columns and vh's rows. */
export function canonicalSvd(outs: readonly Tensor[]): Tensor[] {
  if (outs.length !== 3) return [...outs]
  const [u, s, vh] = outs
  const signs = columnSigns(u!)
  return [scaleBy(u!, signs, 'columns'), s!, scaleBy(vh!, signs, 'rows')]
}
