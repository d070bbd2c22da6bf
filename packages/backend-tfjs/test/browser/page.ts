/** @file The browser page of browser.test.ts: trains a few steps on tfjs-wasm and on reference, reports both. */
import { createReferenceBackend, keep, memory, tidy, valueAndGrad, type Backend, type Tensor } from '@kx/core'
import { createTfjsBackend } from '../../src/index.js'
import { MLP_SHAPES, hostParams, mlpLoss, oneHot, sgd, type MlpParams } from '../models.js'
import { onBackend, rng } from '../util.js'

declare global { interface Window { __kxResult?: unknown } }

function train(b: Backend, steps: number): { losses: number[]; w1: number[] } {
  const r = rng(11)
  const shapes = MLP_SHAPES(10, 16, 3)
  const host = hostParams<MlpParams>(shapes, r)
  let params = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, keep(onBackend(b, host[k as keyof MlpParams], s as number[], 'float32'))])) as unknown as MlpParams
  const x = keep(onBackend(b, Float32Array.from({ length: 12 * 10 }, () => r() * 2 - 1), [12, 10], 'float32'))
  const y = keep(onBackend(b, oneHot(12, 3, r), [12, 3], 'float32'))
  const losses: number[] = []
  for (let i = 0; i < steps; i++) {
    const [loss, next] = tidy(() => {
      const [value, grads] = valueAndGrad((p: MlpParams) => mlpLoss(p, x, y))(params) as [Tensor, MlpParams]
      const updated = sgd(params, grads, 0.2)
      Object.values(grads).forEach((g) => g.dispose())
      return [value, updated] as const
    })
    Object.values(params).forEach((t) => t.dispose())
    params = next
    losses.push(loss.dataSync()[0]!)
    loss.dispose()
  }
  const w1 = Array.from(params.w1.dataSync())
  Object.values(params).forEach((t) => t.dispose())
  x.dispose()
  y.dispose()
  return { losses, w1 }
}

async function main(): Promise<void> {
  try {
    const wasm = await createTfjsBackend({ engine: 'wasm', wasmPaths: new URL('./', location.href).href })
    const got = train(wasm, 10)
    const want = train(createReferenceBackend(), 10)
    const maxDiff = Math.max(...got.w1.map((v, i) => Math.abs(v - want.w1[i]!)), ...got.losses.map((v, i) => Math.abs(v - want.losses[i]!)))
    window.__kxResult = {
      ok: true, backend: wasm.name, userAgent: navigator.userAgent, losses: got.losses, referenceLosses: want.losses, maxDiff,
      heapBytes: wasm.wasmHeapBytes(), liveTensors: memory().backends[wasm.name]?.numTensors ?? 0,
    }
  } catch (e) {
    window.__kxResult = { ok: false, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) }
  }
}
void main()
