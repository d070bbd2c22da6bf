/**
 * @file The app of the browser test, runnable wherever `navigator.gpu` exists: `@kx/layers` +
 * `@kx/backend-webgpu` load a real `.keras` file and predict, then a fresh Dense model (initialised on the
 * device) trains a few epochs with `fit`. Returns plain numbers for the test to check.
 */
import { memory, registerBackend, setBackend, tensor, type Tensor } from '@kx/core'
import { Dense, Input, Sequential, registerBuiltinLayers, registerTrainer, saving, type Model } from '@kx/layers'
import { optimizers, trainer } from '@kx/trainers'
import { createWebGPUBackend } from '../../src/index.js'

/** What the app reports. */
export interface AppResult {
  backend: string
  adapter: string
  shaderF16: boolean
  predictions: number[][]
  losses: number[]
  liveTensorsAfter: number
}

/** Runs the app: `keras` is the `.keras` file's bytes, `x` the (already scaled) rows to predict. */
export async function runApp(keras: Uint8Array, x: number[][]): Promise<AppResult> {
  registerBackend('webgpu', () => createWebGPUBackend({ cpuForward: false }), { priority: 3 })
  const backend = await setBackend('webgpu')
  // Packages register nothing on import (`sideEffects: false`): the app registers what it loads and trains with.
  registerBuiltinLayers()
  registerTrainer(trainer)
  const info = (backend as unknown as { features: { adapterInfo: { vendor: string; architecture: string }; shaderF16: boolean } }).features
  const before = memory().backends['webgpu']?.numTensors ?? 0

  const model = await saving.loadModel(keras, { compile: false })
  const xt = tensor(x.map((r) => r.map(Math.fround)), { dtype: 'float32' })
  const out = model.apply(xt) as Tensor
  const predictions = (await out.array()) as number[][]
  xt.dispose(); out.dispose()

  // y = sin(x0) + x1 / 2 on a fixed grid; a 2-16-1 MLP initialised on the device (Glorot uniform).
  const n = 64
  const xs = Float32Array.from({ length: 2 * n }, (_, i) => ((i * 37) % 101) / 50 - 1)
  const ys = Float32Array.from({ length: n }, (_, i) => Math.sin(xs[2 * i]!) + xs[2 * i + 1]! / 2)
  const fitModel = new Sequential({ layers: [Input({ shape: [2] }), new Dense({ units: 16, activation: 'tanh' }), new Dense({ units: 1 })] }) as Model
  fitModel.compile({ optimizer: new optimizers.Adam({ learningRate: 0.02 }), loss: 'mean_squared_error' })
  const tx = tensor(xs, { shape: [n, 2], dtype: 'float32' })
  const ty = tensor(ys, { shape: [n, 1], dtype: 'float32' })
  const history = (await fitModel.fit(tx, ty, { epochs: 8, batchSize: 16, verbose: 0, shuffle: false })) as { history: Record<string, number[]> }
  const losses = history.history['loss']!.slice()
  tx.dispose(); ty.dispose()
  return {
    backend: backend.name,
    adapter: `${info.adapterInfo.vendor}/${info.adapterInfo.architecture}`,
    shaderF16: info.shaderF16,
    predictions,
    losses,
    liveTensorsAfter: (memory().backends['webgpu']?.numTensors ?? 0) - before,
  }
}
