/**
 * Adam and AdamW on webgpu (the fused `adam_update` WGSL kernel where it applies) against Keras 3's own
 * trajectories (@kx/trainers' golden file, written by tools/golden) and against `reference`, which runs the
 * decomposition.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Tensor, Variable, createReferenceBackend, tidy, withDefaultBackend, type Backend, type DType, type FusedOp } from '@kx/core'
import { optimizers } from '@kx/trainers'
import { seededRandom } from '@kx/backend-conformance'
import { GPU_TIMEOUT, gpu, webgpuAvailable } from './gpu.js'

interface Arr { shape: number[]; dtype: string; data: (number | string)[] }
interface Case { name: string; envelope: { class_name: string; config: Record<string, unknown> }; exclude_var_names?: string[]; grads: Record<string, Arr>[]; trajectory: Record<string, Arr>[] }
const golden = JSON.parse(readFileSync(new URL('../../trainers/test/golden/optimizers.json', import.meta.url), 'utf8')) as { init: Record<string, Arr>; optimizers: Case[] }
const num = (x: number | string): number => (typeof x === 'number' ? x : x === 'inf' ? Infinity : x === '-inf' ? -Infinity : NaN)
const onBackend = (b: Backend, a: Arr): Tensor => {
  const v = Float32Array.from(a.data.map(num))
  return new Tensor(a.shape, a.dtype as DType, b, b.upload(v, a.shape, a.dtype as DType))
}

/** Runs a golden case on `b`; returns the variables' values after each step. */
async function trajectory(b: Backend, c: Case): Promise<Record<string, Float32Array>[]> {
  return withDefaultBackend(b, async () => {
    const vars = Object.entries(golden.init).map(([name, a]) => new Variable({ initializer: onBackend(b, a), name }))
    const opt = optimizers.deserializeOptimizer(c.envelope)
    if (c.exclude_var_names) opt.excludeFromWeightDecay({ varNames: c.exclude_var_names })
    const out: Record<string, Float32Array>[] = []
    for (const step of c.grads) {
      tidy(() => { opt.applyGradients(vars.map((v) => [onBackend(b, step[v.name]!), v] as [Tensor, Variable])) })
      const values: Record<string, Float32Array> = {}
      for (const v of vars) values[v.name] = (await v.rawValue.data()) as Float32Array
      out.push(values)
    }
    for (const v of [...vars, ...opt.variables]) v.dispose()
    return out
  })
}

describe.runIf(webgpuAvailable('backend-webgpu optimizer'))('fused optimizer updates on webgpu', () => {
  const b = gpu.backend!
  const reference = createReferenceBackend()
  const cases = golden.optimizers.filter((c) => c.envelope.class_name === 'Adam' || c.envelope.class_name === 'AdamW')

  it('declares adam_update', () => {
    expect(b.capabilities.fused.has('adam_update' as FusedOp)).toBe(true)
    expect(cases.length).toBeGreaterThanOrEqual(10)
  })

  it('Adam / AdamW (every Keras golden case) follow Keras\'s trajectory and the reference decomposition', async () => {
    const original = b.runFused!.bind(b)
    let fusedSteps = 0
    b.runFused = ((op, inputs, params, outputs) => {
      const r = original(op, inputs, params, outputs)
      if (op === 'adam_update' && r !== null) fusedSteps++
      return r
    }) as typeof b.runFused
    try {
      for (const c of cases) {
        const before = fusedSteps
        const got = await trajectory(b, c)
        const ref = await trajectory(reference, c)
        got.forEach((values, s) => {
          for (const [name, v] of Object.entries(values)) {
            const keras = c.trajectory[s]![name]!.data.map(num)
            const r = ref[s]![name]!
            for (let i = 0; i < keras.length; i++) {
              const where = `${c.name} step ${s} ${name}[${i}]: got ${v[i]}, Keras ${keras[i]}, reference ${r[i]}`
              expect(Math.abs(v[i]! - keras[i]!), where).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(keras[i]!))
              expect(Math.abs(v[i]! - r[i]!), where).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(r[i]!))
            }
          }
        })
        // AMSGrad keeps the decomposition; every other Adam step is fused (2 variables per step).
        const amsgrad = c.envelope.config['amsgrad'] === true
        expect(fusedSteps - before, c.name).toBe(amsgrad ? 0 : 2 * c.grads.length)
      }
    } finally {
      b.runFused = original
    }
  }, GPU_TIMEOUT)

  it('a variable whose size is not a multiple of the kernel\'s 4 elements per invocation (and a 3-d one) matches reference', async () => {
    const shapes = [[7, 3], [2, 3, 5], [1]]
    const run = async (be: Backend): Promise<Float32Array[]> => withDefaultBackend(be, async () => {
      const r = seededRandom(5)
      const rand = (shape: number[]): Tensor => onBackend(be, { shape, dtype: 'float32', data: Array.from({ length: shape.reduce((a, c) => a * c, 1) }, () => r() * 2 - 1) })
      const vars = shapes.map((s, i) => new Variable({ initializer: rand(s), name: `v${i}` }))
      const opt = new optimizers.Adam({ learningRate: 0.05, beta1: 0.8, beta2: 0.95, epsilon: 1e-4 })
      for (let step = 0; step < 4; step++) tidy(() => { opt.applyGradients(vars.map((v) => [rand([...v.shape]), v] as [Tensor, Variable])) })
      const out = await Promise.all(vars.map(async (v) => (await v.rawValue.data()) as Float32Array))
      for (const v of [...vars, ...opt.variables]) v.dispose()
      return out
    })
    await run(b) // makes the optimizers' kept scalar constants
    const live = b.numDataIds()
    const [got, want] = [await run(b), await run(reference)]
    // Every buffer the steps made (the one-dispatch step's three outputs included) was released.
    expect(b.numDataIds()).toBe(live)
    got.forEach((g, k) => g.forEach((v, i) => expect(Math.abs(v - want[k]![i]!), `var ${k} [${i}]: got ${v}, want ${want[k]![i]}`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want[k]![i]!)))))
    // The steps ran as one dispatch per variable (src/optimizer.ts's `KxAdamStep`), not the three-part programs.
    const keys = Object.keys((b.tfBackend as unknown as { pipelineCache: Record<string, unknown> }).pipelineCache)
    expect(keys).toContain('kx_adam_step')
    expect(keys.filter((k) => k.startsWith('kx_adam_m'))).toEqual([])
  }, GPU_TIMEOUT)
})
