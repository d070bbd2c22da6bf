/** @file Test helper: run a function of tensors on a backend and read every output back. */
import { Tensor, type Backend, type DType } from '@kx/core'

/** Host values of a test input. */
export type Values = Float32Array | Int32Array | Uint8Array

/** A tensor of `values` on `be`. */
export const on = (be: Backend, v: Values, shape: number[], dtype: DType): Tensor => new Tensor(shape, dtype, be, be.upload(v, shape, dtype))

/** Runs `f` on `be` with the given inputs; returns every output's values (inputs and outputs disposed). */
export async function outputsOn(be: Backend, inputs: [Values, number[], DType][], f: (...xs: Tensor[]) => Tensor | Tensor[]): Promise<number[][]> {
  const xs = inputs.map(([v, s, d]) => on(be, v, s, d))
  const out = f(...xs)
  const outs = Array.isArray(out) ? out : [out]
  const vals = await Promise.all(outs.map(async (t) => Array.from((await t.data()) as ArrayLike<number>, Number)))
  ;[...xs, ...outs].forEach((t) => t.dispose())
  return vals
}
