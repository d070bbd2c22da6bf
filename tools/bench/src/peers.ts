/** @file Peer implementations: tfjs-layers 4.22 models on tfjs-core's cpu / wasm engines (PEERS.md). */
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { lax as kxLax, Tensor as KxTensor, type Backend as KxBackend } from '@kx/core'

/** Selects tfjs's global backend (the peer runs on the global engine). */
export async function useTfBackend(engine: 'cpu' | 'wasm'): Promise<void> {
  if (!(await tf.setBackend(engine)) || tf.getBackend() !== engine) throw new Error(`tf.setBackend('${engine}') failed`)
}

export function peerMlp(): tfl.Sequential {
  const m = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }),
      tfl.layers.dense({ units: 256, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  })
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' })
  return m
}

export function peerCnn(): tfl.Sequential {
  const m = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu', padding: 'valid' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', padding: 'valid' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 128, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  })
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' })
  return m
}

export function peerBatch(n: number, shape: readonly number[], classes: number, seed = 2): [tf.Tensor, tf.Tensor] {
  let s = seed >>> 0
  const rand = (): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32 }
  const size = n * shape.reduce((a, c) => a * c, 1)
  const x = tf.tensor(Float32Array.from({ length: size }, rand), [n, ...shape])
  const y = new Float32Array(n * classes)
  for (let i = 0; i < n; i++) y[i * classes + Math.floor(rand() * classes)] = 1
  return [x, tf.tensor(y, [n, classes])]
}

/**
 * Registers a Conv2DBackpropFilter kernel for tfjs-wasm (which has none, so tfjs-layers cannot train a
 * CNN there), computed by kx's `conv_transpose_rhs` rule on the same wasm backend instance: the
 * "kernel patched in" peer of PEERS.md. Returns false when tfjs already has one.
 */
export function patchWasmConv2DBackpropFilter(kxWasm: KxBackend): boolean {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return false
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend: anyBackend, attrs }) => {
      const backend = anyBackend as tf.KernelBackend
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo }
      const a = attrs as unknown as { strides: [number, number] | number; pad: 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: [number, number, number, number] }
      const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode)
      const wrap = (t: tf.TensorInfo): KxTensor => {
        backend.incRef(t.dataId)
        return new KxTensor(t.shape, 'float32', kxWasm, tf.engine().makeTensorFromTensorInfo(t, backend))
      }
      const [kx, kdy] = [wrap(x), wrap(dy)]
      const p = info.padInfo
      const dw = kxLax.convTransposeRhs(kx, kdy, {
        windowStrides: [info.strideHeight, info.strideWidth], padding: [[p.top, p.bottom], [p.left, p.right]],
        lhsDilation: [1, 1], rhsDilation: [1, 1], featureGroupCount: 1,
      }, a.filterShape)
      const out = dw._dataId as tf.Tensor
      backend.incRef(out.dataId)
      const result = { dataId: out.dataId, shape: out.shape.slice(), dtype: out.dtype }
      for (const t of [kx, kdy, dw]) t.dispose()
      return result
    },
  })
  return true
}
