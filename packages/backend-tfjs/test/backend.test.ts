/** The Backend object: init, names, capabilities, memory accounting vs tf.memory(), dtype refusal, reads, fused kernels. */
import { describe, expect, it, beforeAll } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import {
  bindFused, createReferenceBackend, DTypeError, full, lax, memory, REFERENCE_IMPLS, registerBackend, removeBackend, setBackend, tensor, tidy, toBackend,
  UnsupportedOpError, type Backend, type FusedOp, type FusedParams, type Tensor,
} from '@kx/core'
import { createTfjsBackend, locateWasmFiles, TFJS_FUSED_RULES, wrapTfjsBackend, type TfjsBackend } from '../src/index.js'
import { dense, relu } from './models.js'
import { mismatch, onBackend, rng } from './util.js'

const reference = createReferenceBackend()
const randn = (n: number, seed: number): Float32Array => { const r = rng(seed); return Float32Array.from({ length: n }, () => r() * 2 - 1) }

describe('creation', () => {
  it('names, capabilities and one shared tfjs instance per engine', async () => {
    const wasm = await createTfjsBackend({ engine: 'wasm' })
    const cpu = await createTfjsBackend({ engine: 'cpu' })
    expect([wasm.name, cpu.name]).toEqual(['tfjs-wasm', 'tfjs-cpu'])
    expect([...wasm.capabilities.dtypes].sort()).toEqual(['bool', 'float32', 'int32'])
    expect(wasm.capabilities.syncRead).toBe(true)
    expect([...cpu.capabilities.fused].sort()).toEqual(['conv_bias_act', 'log_softmax', 'matmul_bias_act', 'softmax'])
    const again = await createTfjsBackend({ engine: 'wasm', name: 'second' })
    expect(again.tfBackend).toBe(wasm.tfBackend)
    expect(tf.findBackend('wasm')).toBe(wasm.tfBackend)
    expect(tf.findBackend('cpu')).toBe(cpu.tfBackend)
  })

  it('locates the wasm binaries in Node', async () => {
    const dir = await locateWasmFiles()
    const { existsSync } = await import('node:fs')
    expect(dir && existsSync(`${dir}tfjs-backend-wasm-simd.wasm`)).toBe(true)
  })

  it('host fallbacks run the injected reference implementations, and say so when none were given', async () => {
    const cpu = await createTfjsBackend({ engine: 'cpu' })
    const traits = { explicitMatmulTranspose: false, syncRead: true }
    const bare = wrapTfjsBackend({ name: 'cpu-no-host', tfBackendName: 'cpu', tfBackend: cpu.tfBackend, traits })
    const withHost = wrapTfjsBackend({ name: 'cpu-host', tfBackendName: 'cpu', tfBackend: cpu.tfBackend, traits: { ...traits, hostImpls: REFERENCE_IMPLS } })
    // `sort` always runs on the host (tfjs has no stable NaN-last sort kernel).
    const values = Float32Array.of(3, NaN, 1, 2)
    expect(() => lax.sort(onBackend(bare, values, [4], 'float32'), 0)).toThrow(UnsupportedOpError)
    expect(() => lax.sort(onBackend(bare, values, [4], 'float32'), 0)).toThrow(/hostImpls.*`sort`/)
    const [sorted] = lax.sort(onBackend(withHost, values, [4], 'float32'), 0)
    expect(Array.from(await sorted!.data())).toEqual([1, 2, 3, NaN])
  })

  it('rejects an unknown engine', async () => {
    await expect(createTfjsBackend({ engine: 'webgl' as 'cpu' })).rejects.toThrow(/Unknown tfjs engine/)
  })

  it('registers with core and runs ops on the active backend; both engines in one process', async () => {
    registerBackend('tfjs-wasm-test', () => createTfjsBackend({ engine: 'wasm', name: 'tfjs-wasm-test' }))
    registerBackend('tfjs-cpu-test', () => createTfjsBackend({ engine: 'cpu', name: 'tfjs-cpu-test' }))
    const w = await setBackend('tfjs-wasm-test')
    const a = tensor([[1, 2], [3, 4]], { dtype: 'float32' })
    expect(a.backend).toBe(w)
    const c = await setBackend('tfjs-cpu-test')
    const b = tensor([[1, 1], [1, 1]], { dtype: 'float32' })
    expect(b.backend).toBe(c)
    const a2 = await toBackend(a, c)
    expect(await lax.add(a2, b).array()).toEqual([[2, 3], [4, 5]])
    expect(() => lax.add(a, b)).toThrow(/different backends/)
    await setBackend('reference')
    await removeBackend('tfjs-wasm-test')
    await removeBackend('tfjs-cpu-test')
  })
})

describe.each(['cpu', 'wasm'] as const)('tfjs-%s', (engine) => {
  let backend: TfjsBackend
  beforeAll(async () => {
    backend = await createTfjsBackend({ engine })
    await tf.setBackend(engine)
  })

  it('memory accounting agrees with tf.memory() and core memory()', () => {
    const tf0 = tf.memory()
    const kx0 = backend.memory!()
    const core0 = memory().backends[backend.name] ?? { numTensors: 0, numBytes: 0 }
    const x = onBackend(backend, randn(12, 1), [3, 4], 'float32')
    const i = onBackend(backend, Int32Array.from([1, 2, 3]), [3], 'int32')
    const y = tidy(() => lax.reshape(lax.exp(lax.transpose(x, [1, 0])), [12]))
    const mask = lax.gt(y, tensor(new Float32Array(12), { shape: [12], backend }))
    const d = (a: { numTensors: number; numBytes: number }, b: { numTensors: number; numBytes: number }): number[] => [a.numTensors - b.numTensors, a.numBytes - b.numBytes]
    // x (48 B), i (12 B), y (48 B), the zeros (48 B) and mask (12 B, bool): 5 tensors, 168 bytes.
    const kx = d(backend.memory!(), kx0)
    expect(kx).toEqual([5, 168])
    expect(d(tf.memory(), tf0)).toEqual(kx)
    expect(d(memory().backends[backend.name]!, core0)).toEqual(kx)
    for (const t of [x, i, y, mask]) t.dispose()
    expect(d(backend.memory!(), kx0)).toEqual([1, 48])
    expect(d(tf.memory(), tf0)).toEqual([1, 48])
    expect(d(memory().backends[backend.name]!, core0)).toEqual([1, 48])
  })

  it('intermediates of composed rules are freed (numDataIds and tf.memory)', () => {
    const x = onBackend(backend, randn(2 * 6 * 6 * 3, 2), [2, 6, 6, 3], 'float32')
    const w = onBackend(backend, randn(3 * 3 * 3 * 4, 3), [3, 3, 3, 4], 'float32')
    const ids0 = backend.numDataIds()
    const tf0 = tf.memory().numTensors
    const p = { windowStrides: [2, 2], padding: [[1, 1], [1, 1]] as [number, number][], lhsDilation: [2, 1], rhsDilation: [1, 2], featureGroupCount: 1 }
    const y = lax.conv(x, w, p)
    const g = lax.convTransposeRhs(x, y, p, [3, 3, 3, 4])
    expect(backend.numDataIds() - ids0).toBe(2)
    expect(tf.memory().numTensors - tf0).toBe(2)
    for (const t of [x, w, y, g]) t.dispose()
  })

  it('refuses dtypes tfjs lacks with a typed DTypeError', () => {
    expect(() => tensor([1, 2], { dtype: 'float64', backend })).toThrow(DTypeError)
    expect(() => tensor([1, 2], { dtype: 'int8', backend })).toThrow(/tfjs/)
    const x = onBackend(backend, randn(4, 4), [4], 'float32')
    expect(() => lax.convertElementType(x, 'float16')).toThrow(DTypeError)
    expect(() => lax.convertElementType(x, 'uint8')).toThrow(/does not support dtype uint8/)
    const key = onBackend(backend, Int32Array.from([0, 42]), [2], 'int32')
    expect(() => lax.randomBits(key, [3])).toThrow(DTypeError)
    x.dispose()
    key.dispose()
  })

  it('reads synchronously and asynchronously, returning copies', async () => {
    const x = onBackend(backend, Float32Array.from([1, 2, 3]), [3], 'float32')
    const a = x.dataSync()
    a[0] = 99
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3])
    expect(Array.from(await x.data())).toEqual([1, 2, 3])
    const b = onBackend(backend, Uint8Array.from([1, 0, 1]), [3], 'bool')
    expect(await b.array()).toEqual([true, false, true])
    const host = Int32Array.from([5, 6])
    const i = onBackend(backend, host, [2], 'int32')
    host[0] = 0
    expect(Array.from(i.dataSync())).toEqual([5, 6])
    for (const t of [x, b, i]) t.dispose()
  })

  it('max/min against a broadcast zero (the Relu path) and broadcasts of every kind match the reference', () => {
    const xs = Float32Array.from([-2, -0.5, 0, 0.5, 3, -1])
    const run = (b: Backend): number[][] => tidy(() => {
      const x = onBackend(b, xs, [2, 3], 'float32')
      const zero = full([2, 3], 0, 'float32', b)
      const bias = onBackend(b, Float32Array.from([1, 2, 3]), [3], 'float32')
      const flag = onBackend(b, Uint8Array.from([1, 0]), [2], 'bool')
      return [
        lax.max(x, zero), lax.max(zero, x), lax.min(x, zero), lax.max(x, full([2, 3], 1, 'float32', b)),
        lax.broadcastInDim(bias, [4, 2, 3], [2]), lax.convertElementType(lax.broadcastInDim(flag, [2, 3, 2], [0]), 'float32'),
      // NOTE: + 0 folds −0 into 0: −Relu(−x) gives −0 where min(x, 0) gives 0.
      ].map((t) => Array.from(t.dataSync(), (v) => v + 0))
    })
    expect(run(backend)).toEqual(run(reference))
  })

  it('kx tensors survive tfjs tidy scopes', () => {
    let x: Tensor | undefined
    tf.tidy(() => { x = onBackend(backend, Float32Array.from([1, 2]), [2], 'float32') })
    expect(Array.from(x!.dataSync())).toEqual([1, 2])
    x!.dispose()
  })

  describe('fused kernels', () => {
    const cases: { op: FusedOp; inputs: [number[], number][]; params: FusedParams[FusedOp]; out: number[]; ref: (xs: Tensor[]) => Tensor; declines?: boolean }[] = [
      { op: 'softmax', inputs: [[[3, 5], 1]], params: { axis: 1 }, out: [3, 5], ref: ([x]) => softmaxRef(x!, 1) },
      { op: 'softmax', inputs: [[[3, 5], 1]], params: { axis: 0 }, out: [3, 5], ref: ([x]) => softmaxRef(x!, 0), declines: true },
      { op: 'log_softmax', inputs: [[[2, 3, 4], 2]], params: { axis: 1 }, out: [2, 3, 4], ref: ([x]) => lax.log(softmaxRef(x!, 1)) },
      { op: 'matmul_bias_act', inputs: [[[2, 3, 4], 3], [[4, 5], 4], [[5], 5]], params: { activation: 'relu', hasBias: true, alpha: 0 }, out: [2, 3, 5],
        ref: ([a, b, c]) => lax.reshape(relu(dense(lax.reshape(a!, [6, 4]), b!, c!)), [2, 3, 5]) },
      { op: 'matmul_bias_act', inputs: [[[3, 4], 3], [[4, 5], 4]], params: { activation: 'tanh', hasBias: false, alpha: 0 }, out: [3, 5],
        ref: ([a, b]) => lax.tanh(lax.dotGeneral(a!, b!, [[1], [0]])), declines: true },
      { op: 'conv_bias_act', inputs: [[[2, 6, 6, 3], 6], [[3, 3, 3, 4], 7], [[4], 8]],
        params: { strides: [1, 1], padding: [[1, 1], [1, 1]], dilation: [1, 1], groups: 1, activation: 'relu6', hasBias: true, alpha: 0 }, out: [2, 6, 6, 4],
        ref: ([x, w, c]) => {
          const y = lax.conv(x!, w!, { windowStrides: [1, 1], padding: [[1, 1], [1, 1]], lhsDilation: [1, 1], rhsDilation: [1, 1], featureGroupCount: 1 })
          const z = relu(lax.add(y, lax.broadcastInDim(c!, y.shape, [3])))
          return lax.min(z, lax.broadcastInDim(tensor(6, { dtype: 'float32', backend: y.backend }), y.shape, []))
        } },
    ]
    it.each(cases.map((c, k) => [`${c.op} #${k}${c.declines ? ' (declined → decomposition)' : ''}`, c] as const))('%s', (_n, c) => {
      const host = c.inputs.map(([s, seed]) => randn(s.reduce((a, b) => a * b, 1), seed))
      const on = (b: Backend): Tensor[] => c.inputs.map(([s], k) => onBackend(b, host[k]!, s, 'float32'))
      const want = tidy(() => c.ref(on(reference)).dataSync())
      const ins = on(backend)
      const rule = TFJS_FUSED_RULES[c.op]!
      let declined = false
      const outs = bindFused(c.op, ins, c.params, [{ shape: c.out, dtype: 'float32' }], () => { declined = true; return [c.ref(ins)] })
      expect(declined).toBe(!!c.declines)
      expect(rule).toBeDefined()
      expect(mismatch(outs[0]!.dataSync(), want, 1e-5).worst).toBe(0)
      outs.forEach((t) => t.dispose())
      ins.forEach((t) => t.dispose())
    })
  })
})

function softmaxRef(x: Tensor, axis: number): Tensor {
  const kept = x.shape.map((_, i) => i).filter((i) => i !== axis)
  const m = lax.reduceMax(x, [axis])
  const e = lax.exp(lax.sub(x, lax.broadcastInDim(m, x.shape, kept)))
  return lax.div(e, lax.broadcastInDim(lax.reduceSum(e, [axis]), x.shape, kept))
}

