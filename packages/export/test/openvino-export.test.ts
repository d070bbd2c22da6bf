/**
 * @file OpenVINO IR export round trips: the IR kx writes is read and compiled by the OpenVINO runtime
 * through kx's C API binding (`loadOpenVINOIR`) and compared with kx's own forward pass on
 * `reference`. Skipped without the runtime unless KX_REQUIRE_OPENVINO=1 (then it fails).
 */
import { describe, expect, it } from 'vitest'
import { NotImplementedError, UnsupportedOpError, cond, lax, switchCase, tensor, threefry, whileLoop, type Tensor } from '@kx/core'
import {
  Activation, Add, Attention, AveragePooling1D, AveragePooling2D, BatchNormalization, Concatenate, Conv1D, Conv2D, Conv2DTranspose,
  Dense, DepthwiseConv2D, Embedding, Flatten, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling2D, GRU, Input,
  LayerNormalization, LSTM, Lambda, MaxPooling2D, Model, Multiply, MultiHeadAttention, Reshape, SeparableConv2D, Sequential, UpSampling2D,
  SimpleRNN, Bidirectional, ZeroPadding2D, type Layer,
} from '@kx/layers'
import { loadOpenVINOIR, openVINOLibraryPath } from '@kx/backend-openvino'
import { exportModel } from '../src/index.js'

let why = ''
try { openVINOLibraryPath() } catch (e) { why = e instanceof Error ? e.message : String(e) }
if (why && process.env.KX_REQUIRE_OPENVINO === '1') throw new Error(`KX_REQUIRE_OPENVINO=1 but the OpenVINO runtime is missing: ${why}`)
if (why) console.warn(`[export] SKIPPING OpenVINO IR round trips: the OpenVINO runtime is not available. ${why}`)

function randomInput(shape: number[], seed: number, scale = 2, shift = -1): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1)
  return Float32Array.from(threefry.randomUniform([11, seed], n, 'float32'), (v) => scale * v + shift)
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-4): void {
  expect(got.length).toBe(want.length)
  let worst = 0
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!)))
  expect(worst).toBeLessThan(tol)
}

interface Feed { shape: number[]; dtype?: 'float32' | 'int32'; data?: (n: number, seed: number) => Float32Array | Int32Array }

/** Exports `model` to IR, runs it at batch sizes 1 and 3 in OpenVINO and compares every output with kx. */
async function roundTrip(model: Layer, feeds: Feed[], tol = 1e-4): Promise<string> {
  const { xml, bin } = await exportModel(model, { format: 'openvino' })
  const ir = loadOpenVINOIR(xml, bin)
  try {
    for (const batch of [1, 3]) {
      const inputs = feeds.map((f, i) => {
        const shape = [batch, ...f.shape]
        const n = shape.reduce((a, b) => a * b, 1)
        const values = f.data ? f.data(n, batch * 10 + i) : randomInput(shape, batch * 10 + i)
        return { values, shape, dtype: f.dtype ?? 'float32' as const }
      })
      const xs = inputs.map((v) => tensor(v.values, { shape: v.shape, dtype: v.dtype }))
      const y = model.apply(xs.length === 1 ? xs[0] : xs, { training: false }) as Tensor | Tensor[]
      const ys = Array.isArray(y) ? y : [y]
      const wants = await Promise.all(ys.map((t) => t.data()))
      const gots = ir.run(inputs, ys.map((t) => ({ shape: t.shape as number[], dtype: t.dtype })))
      gots.forEach((g, i) => expectClose(g, wants[i]!, tol))
    }
  } finally {
    ir.dispose()
  }
  return xml
}

describe.skipIf(why !== '')('OpenVINO IR export (kx binding)', () => {
  it('Dense MLP (Sequential): named input, dynamic batch, weights as named Consts', async () => {
    const model = new Sequential({ layers: [
      Input({ shape: [12], name: 'features' }),
      new Dense({ units: 16, activation: 'relu' }), new Activation({ activation: 'elu' }),
      new Dense({ units: 8, activation: 'tanh' }), new Dense({ units: 4, activation: 'softmax' }),
    ] })
    const xml = await roundTrip(model, [{ shape: [12] }])
    expect(xml).toMatch(/<net name="[^"]*" version="11">/)
    expect(xml).toMatch(/type="Parameter"[^>]*>\s*<data shape="\?,12" element_type="f32"/)
    expect(xml).toMatch(/names="features"/)
    expect(xml).toMatch(/names="output_0"/)
    expect(xml).toMatch(/name="[^"]*kernel[^"]*" type="Const"/)
  })

  it('the bench CNN: conv32-pool-conv64-pool-dense128-dense10 on 32×32×3', async () => {
    const model = new Sequential({ layers: [
      Input({ shape: [32, 32, 3] }),
      new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu' }), new MaxPooling2D({ poolSize: 2 }),
      new Conv2D({ filters: 64, kernelSize: 3, activation: 'relu' }), new MaxPooling2D({ poolSize: 2 }),
      new Flatten(), new Dense({ units: 128, activation: 'relu' }), new Dense({ units: 10, activation: 'softmax' }),
    ] })
    const xml = await roundTrip(model, [{ shape: [32, 32, 3] }])
    expect(xml.match(/type="Convolution"/g)).toHaveLength(2)
    expect(xml.match(/type="MaxPool"/g)).toHaveLength(2)
    expect(xml.match(/type="ReLU"/g)).toHaveLength(3)
    expect(xml.match(/type="SoftMax"/g)).toHaveLength(1)
    // Elementwise ops run in NCHW between conv and pool: only the input's and the flatten's transposes remain.
    expect(xml.match(/type="Transpose"/g)).toHaveLength(2)
  })

  it('convolution variants and pooling: strides, same padding, groups, depthwise, separable, transpose, 1-D, upsampling', async () => {
    const x = Input({ shape: [9, 9, 4] })
    let y = new ZeroPadding2D({ padding: 1 }).apply(x)
    y = new Conv2D({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', groups: 2, activation: 'gelu' }).apply(y)
    y = new DepthwiseConv2D({ kernelSize: 2, depthMultiplier: 2 }).apply(y)
    y = new SeparableConv2D({ filters: 5, kernelSize: 2, padding: 'same', dilationRate: 2 }).apply(y)
    y = new AveragePooling2D({ poolSize: 3, strides: 2, padding: 'same' }).apply(y)
    y = new Conv2DTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' }).apply(y)
    y = new UpSampling2D({ size: 2 }).apply(y)
    const a = new GlobalMaxPooling2D().apply(y)
    const b = new GlobalAveragePooling2D().apply(y)
    await roundTrip(new Model({ inputs: x, outputs: [a, b] }), [{ shape: [9, 9, 4] }])
    const s = Input({ shape: [10, 3] })
    let t = new Conv1D({ filters: 4, kernelSize: 3, padding: 'causal', activation: 'sigmoid' }).apply(s)
    t = new AveragePooling1D({ poolSize: 2 }).apply(t)
    await roundTrip(new Model({ inputs: s, outputs: new GlobalAveragePooling1D().apply(t) }), [{ shape: [10, 3] }])
  })

  it('a Functional model with merges and normalization layers', async () => {
    const a = Input({ shape: [8], name: 'left' })
    const b = Input({ shape: [8], name: 'right' })
    const ha = new Dense({ units: 6, activation: 'swish' }).apply(a)
    const hb = new BatchNormalization().apply(new Dense({ units: 6 }).apply(b))
    const merged = new Concatenate().apply([new Add().apply([ha, hb]), new Multiply().apply([ha, hb])])
    const out = new Dense({ units: 3 }).apply(new LayerNormalization().apply(merged))
    const xml = await roundTrip(new Model({ inputs: [a, b], outputs: [out, ha] }), [{ shape: [8] }, { shape: [8] }])
    expect(xml).toMatch(/names="left"/)
    expect(xml).toMatch(/names="output_1"/)
  })

  it('attention: MultiHeadAttention (self) and dot-product Attention', async () => {
    const q = Input({ shape: [5, 8] })
    const v = Input({ shape: [4, 8] })
    const mha = new MultiHeadAttention({ numHeads: 2, keyDim: 4 }).apply([q, v]) as unknown as ReturnType<Dense['apply']>
    const att = new Attention({ useScale: true }).apply([q, v])
    const out = new Reshape({ targetShape: [80] }).apply(new Concatenate().apply([mha, att]))
    await roundTrip(new Model({ inputs: [q, v], outputs: out }), [{ shape: [5, 8] }, { shape: [4, 8] }])
  })

  it('Embedding (gather with int32 ids) into Dense', async () => {
    const ids = Input({ shape: [6], dtype: 'int32' })
    const e = new Embedding({ inputDim: 20, outputDim: 4 }).apply(ids)
    const y = new Dense({ units: 2 }).apply(new Flatten().apply(e))
    const data = (n: number, seed: number): Int32Array => Int32Array.from(randomInput([n], seed, 20, 0), (v) => Math.floor(v))
    await roundTrip(new Model({ inputs: ids, outputs: y }), [{ shape: [6], dtype: 'int32', data }])
  })

  it('control flow: cond → If, switch over three branches → nested Ifs, whileLoop → Loop', async () => {
    const x = Input({ shape: [4] })
    const scalar = (v: number): Tensor => tensor(new Float32Array([v]), { shape: [], dtype: 'float32' })
    const like = (t: Tensor, v: number): Tensor => lax.broadcastInDim(scalar(v), t.shape as number[], [])
    const total = (t: Tensor): Tensor => lax.reduceSum(t, [0, 1])
    const pos = new Lambda({ function: (t: Tensor) => cond(lax.gt(total(t), scalar(0)), () => lax.exp(t), () => lax.neg(t)) }).apply(x)
    const pick = new Lambda({
      function: (t: Tensor) => switchCase(lax.convertElementType(lax.mul(total(t), scalar(0.3)), 'int32'), [(u: Tensor) => lax.tanh(u), (u: Tensor) => lax.sin(u), (u: Tensor) => lax.mul(u, u)], t),
    }).apply(pos)
    const grow = new Lambda({
      function: (t: Tensor) => whileLoop((u: Tensor) => lax.lt(lax.reduceMax(u, [0, 1]), scalar(10)), (u: Tensor) => lax.mul(u, like(u, 2)), lax.add(lax.abs(t), like(t, 0.5))),
    }).apply(pick)
    // Batch 1 (seed 10) takes cond's true branch and switch branch 1; batch 3 the false branch and branch 0.
    const data = (n: number, seed: number): Float32Array => new Float32Array(n).fill(seed === 10 ? 0.05 : -0.01)
    const xml = await roundTrip(new Model({ inputs: x, outputs: [pos, pick, grow] }), [{ shape: [4], data }])
    expect(xml.match(/type="If"/g)).toHaveLength(3)
    expect(xml).toContain('type="Loop"')
  })

  it('primitives beyond the layers: transcendental, integer, sort/top_k/argmax, cumsum, rev, interior pad, dynamic slices, gather/scatter, iota', async () => {
    const x = Input({ shape: [6] })
    const f32 = (v: number): Tensor => tensor(new Float32Array([v]), { shape: [], dtype: 'float32' })
    const i32 = (vs: number[]): Tensor => tensor(new Int32Array(vs), { shape: [vs.length], dtype: 'int32' })
    const like = (t: Tensor, v: number): Tensor => lax.broadcastInDim(t.dtype === 'int32' ? tensor(new Int32Array([v]), { shape: [], dtype: 'int32' }) : f32(v), t.shape as number[], [])
    const lam = (fn: (t: Tensor) => Tensor): ReturnType<Dense['apply']> => new Lambda({ function: fn }).apply(x) as ReturnType<Dense['apply']>
    const pos = (t: Tensor): Tensor => lax.add(lax.abs(t), like(t, 0.5))
    const outs = [
      lam((t) => lax.concatenate([
        lax.unary('log1p', lax.abs(t)), lax.unary('expm1', t), lax.unary('cbrt', t), lax.rsqrt(pos(t)), lax.unary('erf', t), lax.unary('asinh', t),
        lax.unary('round', lax.mul(t, like(t, 3))), lax.sign(t), lax.binary('atan2', t, lax.sub(like(t, 0.1), t)), lax.binary('rem', lax.mul(t, like(t, 5)), like(t, 1.5)),
        lax.pow(pos(t), like(t, 1.7)), lax.convertElementType(lax.unary('is_finite', lax.div(t, lax.sub(t, t))), 'float32'),
      ], 1)),
      lam((t) => lax.argmax(t, 1)), lam((t) => lax.argmin(t, 1)),
      lam((t) => lax.sort(t, 1)[0]), lam((t) => lax.sort(t, 1, true)[1]), lam((t) => lax.topK(t, 3)[0]), lam((t) => lax.topK(t, 3)[1]),
      lam((t) => lax.cumulative('cumsum', t, 1, true)), lam((t) => lax.rev(t, [1])),
      lam((t) => lax.pad(t, f32(-2), [0, 1], [0, 2], [0, 1])),
      lam((t) => lax.dynamicSlice(t, i32([0, 4]), [1, 3])),
      lam((t) => lax.dynamicUpdateSlice(t, lax.slice(t, [0, 0], [1, 2], [1, 1]), i32([0, 3]))),
      lam((t) => lax.scatterAdd(t, i32([1, 1, 3]), lax.gather(t, i32([4, 0, 9]), 1), 1)),
      lam((t) => lax.gather(t, lax.iota('int32', [3, 2], 0), 1)),
      lam((t) => lax.mul(lax.reduce('reduce_prod', pos(t), [1]), lax.reduceMin(t, [1]))),
      lam((t) => { const n = lax.convertElementType(lax.mul(t, like(t, 10)), 'int32'); return lax.concatenate([lax.div(n, like(n, 3)), lax.binary('rem', n, like(n, 4))], 1) }),
    ]
    await roundTrip(new Model({ inputs: x, outputs: outs }), [{ shape: [6] }])
  })

  it('a 1-D · 1-D dot to a rank-0 value (the CPU plugin crashes on MatMul → Reshape([]); kx emits Squeeze)', async () => {
    const x = Input({ shape: [6] })
    const dot1d = new Lambda({ function: (t: Tensor) => {
      const row = lax.reshape(lax.slice(t, [0, 0], [1, 6], [1, 1]), [6])
      const s = lax.dotGeneral(row, row, [[0], [0]])
      return lax.mul(t, lax.broadcastInDim(s, t.shape as number[], []))
    } })
    const xml = await roundTrip(new Model({ inputs: x, outputs: dot1d.apply(x) as ReturnType<Dense['apply']> }), [{ shape: [6] }])
    expect(xml).toContain('type="Squeeze"')
  })

  it('float16 layers: f16 Consts converted in the graph, native f16 output; the binding refuses half ports', async () => {
    const model = new Sequential({ layers: [Input({ shape: [4, 4, 2] }), new Conv2D({ filters: 3, kernelSize: 2, dtype: 'mixed_float16' }), new Flatten(), new Dense({ units: 4, dtype: 'float16' })] })
    const { xml, bin } = await exportModel(model, { format: 'openvino' })
    expect(xml).toMatch(/names="output_0"><dim>-1<\/dim><dim>4<\/dim>/)
    expect(xml).toMatch(/precision="FP16" names="output_0"/)
    const ir = loadOpenVINOIR(xml, bin)
    try {
      expect(() => ir.run([{ values: new Float32Array(32), shape: [1, 4, 4, 2], dtype: 'float32' }], [{ shape: [1, 4], dtype: 'float16' }])).toThrow(NotImplementedError)
    } finally { ir.dispose() }
  })

  it('static batch: the Parameter has the fixed batch size', async () => {
    const model = new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 2 })] })
    const { xml } = await exportModel(model, { format: 'openvino', dynamicBatch: false, batchSize: 4 })
    expect(xml).toMatch(/<data shape="4,3" element_type="f32"/)
  })

  it('recurrent layers (scan → TensorIterator): Embedding + LSTM, GRU with sequences, backwards SimpleRNN, Bidirectional', async () => {
    const ids = Input({ shape: [7], dtype: 'int32' })
    const e = new Embedding({ inputDim: 30, outputDim: 5 }).apply(ids)
    const h = new LSTM({ units: 4 }).apply(e)
    const data = (n: number, seed: number): Int32Array => Int32Array.from(randomInput([n], seed, 30, 0), (v) => Math.floor(v))
    const xml = await roundTrip(new Model({ inputs: ids, outputs: new Dense({ units: 2 }).apply(h) }), [{ shape: [7], dtype: 'int32', data }])
    expect(xml).toContain('type="TensorIterator"')
    const x = Input({ shape: [5, 3] })
    const seq = new GRU({ units: 4, returnSequences: true }).apply(x)
    const back = new SimpleRNN({ units: 3, goBackwards: true, returnSequences: true }).apply(seq)
    const bi = new Bidirectional({ layer: new LSTM({ units: 2 }) }).apply(back)
    await roundTrip(new Model({ inputs: x, outputs: [bi, back] }), [{ shape: [5, 3] }])
  })
})

describe('OpenVINO IR export: bad input', () => {
  it('a primitive with no OpenVINO lowering throws UnsupportedOpError naming it', async () => {
    const x = Input({ shape: [4] })
    const y = new Lambda({ function: (t: Tensor) => lax.bitcastConvertType(t, 'int32') }).apply(x)
    const model = new Model({ inputs: x, outputs: y })
    await expect(exportModel(model, { format: 'openvino' })).rejects.toThrow(UnsupportedOpError)
    await expect(exportModel(model, { format: 'openvino' })).rejects.toThrow(/bitcast_convert_type.*format: 'onnx'/)
    const c = new Lambda({ function: (t: Tensor) => lax.cumulative('cumprod', t, 1) }).apply(x)
    await expect(exportModel(new Model({ inputs: x, outputs: c }), { format: 'openvino' })).rejects.toThrow(/`cumprod`.*cumulative product/)
  })

  it('output path problems throw typed errors (not an .xml path; a missing folder)', async () => {
    const model = new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 2 })] })
    await expect(exportModel(model, { format: 'openvino', path: '/tmp/model.onnx' })).rejects.toThrow(/names the .xml file.*Received: path=/)
    await expect(exportModel(model, { format: 'openvino', path: '/nonexistent-kx-dir/sub/model.xml' })).rejects.toThrow(/cannot write the OpenVINO IR files.*Received: path=/)
    const { InvalidArgumentError } = await import('@kx/core')
    await expect(exportModel(model, { format: 'openvino', path: '/nonexistent-kx-dir/sub/model.xml' })).rejects.toThrow(InvalidArgumentError)
  })

  it('writes model.xml and model.bin side by side', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const model = new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 2 })] })
    const path = join(mkdtempSync(join(tmpdir(), 'kx-ov-')), 'model.xml')
    const { xml, bin } = await exportModel(model, { format: 'openvino', path })
    expect(readFileSync(path, 'utf8')).toBe(xml)
    expect(Array.from(readFileSync(path.replace(/xml$/, 'bin')))).toEqual(Array.from(bin))
    expect(bin.byteLength).toBeGreaterThanOrEqual((3 * 2 + 2) * 4)
  })
})
