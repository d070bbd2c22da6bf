/**
 * @file Lowering a program of primitive calls (a traced model's inference pass) to an OpenVINO IR
 * model: parameters named like the model's inputs, weights as Const layers in the `.bin`, one
 * lowering per equation from `OV_LOWERINGS`, results named like the exporter's outputs.
 */
import { UnsupportedOpError, fmt, type AbstractValue, type ControlPrimParams } from '@kx/core'
import type { Program } from '@kx/backend-onnx'
import { IrBuilder, type Port } from './ir.js'
import { OV_LOWERINGS } from './table.js'
import { lowerCond, lowerScan, lowerWhile } from './control.js'

/**
 * Lowers one primitive call into `b`: `scan` becomes a TensorIterator, `while` a Loop, `cond` nested
 * Ifs; the rest goes through `OV_LOWERINGS`.
 *
 * @example
 * ```ts
 * const b = new IrBuilder()
 * const [y] = lowerEquationIR(b, 'exp', [b.parameter('x', 'float32', [3])], {}, [{ shape: [3], dtype: 'float32' }])
 * ```
 */
export function lowerEquationIR(b: IrBuilder, prim: string, inputs: readonly Port[], params: unknown, outputs: readonly AbstractValue[]): Port[] {
  const saved = b.prim
  b.prim = prim
  try {
    if (prim === 'scan') return lowerScan(b, inputs, params as ControlPrimParams['scan'], outputs, lowerEquationIR)
    if (prim === 'while') return lowerWhile(b, inputs, params as ControlPrimParams['while'], outputs, lowerEquationIR)
    if (prim === 'cond') return lowerCond(b, inputs, params as ControlPrimParams['cond'], outputs, lowerEquationIR)
    const lowering = (OV_LOWERINGS as Record<string, unknown>)[prim] as ((...a: unknown[]) => Port[]) | undefined
    if (!lowering) throw new UnsupportedOpError(`OpenVINO IR export: unknown primitive. Received: prim=${fmt(prim)}`)
    return lowering(b, inputs, params, outputs)
  } finally { b.prim = saved }
}

/**
 * Lowers a program to OpenVINO IR: the `model.xml` text and the `model.bin` weights.
 *
 * @example
 * ```ts
 * const { xml, bin } = lowerProgramToIR(program, { graphName: 'mlp' })
 * ```
 */
export function lowerProgramToIR(p: Program, options: { readonly graphName?: string } = {}): { xml: string; bin: Uint8Array } {
  const b = new IrBuilder()
  const env = new Map<number, Port>()
  p.inputs.forEach((inp, i) => env.set(inp.id, b.parameter(inp.name ?? `input_${i}`, inp.aval.dtype, inp.aval.shape)))
  for (const c of p.constants) {
    const shape = c.aval.shape as number[]
    const v = c.values
    // A splat (all elements equal) becomes a scalar plus a Broadcast: no large constant in the .bin.
    const splat = !c.name && v.length > 1 && Array.prototype.every.call(v, (e: number) => Object.is(e, v[0]))
    env.set(c.id, splat
      ? b.op('Broadcast', [b.scalar(v[0] as number, c.aval.dtype), b.i64(shape)], { dtype: c.aval.dtype, shape }, { mode: 'numpy' }, 'opset3')
      : b.constant(v as ArrayLike<number>, c.aval.dtype, shape, c.name))
  }
  for (const eq of p.equations) {
    const ins = eq.inputs.map((id) => {
      const v = env.get(id)
      if (!v) throw new UnsupportedOpError(`OpenVINO IR export: equation \`${eq.prim}\` reads value ${id} before it is defined.`)
      return v
    })
    const outs = lowerEquationIR(b, eq.prim, ins, eq.params, eq.outputs.map((o) => o.aval))
    eq.outputs.forEach((o, i) => env.set(o.id, outs[i]!))
  }
  p.outputs.forEach((o, i) => b.result(env.get(o.id)!, o.name ?? `output_${i}`))
  return b.serialize(options.graphName ?? 'kx')
}
