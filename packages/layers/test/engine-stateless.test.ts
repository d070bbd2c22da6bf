/** `statelessCall` (Keras `Layer.stateless_call`): same values as a normal call, no variable touched, jit and gradients through it. */
import { describe, expect, it } from 'vitest'
import { StatelessScope, Tensor, Variable, jit, lax, tensor, valueAndGrad, InvalidArgumentError } from '@kx/core'
import { BatchNormalization, Dense, Dropout, Input, Model, Sequential, regularizers } from '../src/index.js'
import { expectClose, makeInput } from './harness.js'

const arr = async (t: Tensor): Promise<number[]> => Array.from(await t.data(), Number)
const snapshot = (vs: readonly Variable[]): Promise<number[][]> => Promise.all(vs.map((v) => arr(v.rawValue)))

function bnModel(): Model {
  const x = Input({ shape: [3] })
  const h = new Dense({ units: 4, kernelRegularizer: new regularizers.L2({ l2: 0.1 }), activityRegularizer: 'l1' }).apply(x)
  const b = new BatchNormalization({ momentum: 0.5 }).apply(h)
  const d = new Dropout({ rate: 0.5, seed: 3 }).apply(b)
  return new Model({ inputs: x, outputs: new Dense({ units: 2 }).apply(d) })
}

describe('statelessCall', () => {
  it('StatelessScope maps reads and records assignments without touching variables', async () => {
    const v = new Variable({ initializer: [1, 2], dtype: 'float32' })
    const scope = new StatelessScope({ stateMapping: [[v, tensor([10, 20], { dtype: 'float32' })]] })
    const read = scope.run(() => { v.assign(lax.add(v.value, tensor([1, 1], { dtype: 'float32' }))); return v.value })
    expect(await arr(read)).toEqual([11, 21])
    expect(await arr(scope.getCurrentValue(v)!)).toEqual([11, 21])
    expect(await arr(v.value)).toEqual([1, 2])
    expect(() => new StatelessScope({ stateMapping: [[v, tensor([1, 2, 3])]] })).toThrow(InvalidArgumentError)
  })

  it('gives the outputs of a normal call and leaves every variable as it was (BatchNormalization, Dropout)', async () => {
    const model = bnModel()
    const x = makeInput([5, 3], 'float32', 4)
    const before = await snapshot(model.statefulVariables())
    const tv = model.trainableVariables.map((v) => v.value)
    const ntv = model.nonTrainableVariables.map((v) => v.value)
    // moving mean/var of BN and the Dropout seed state are the non-trainable state
    expect(model.nonTrainableVariables.map((v) => v.path.split('/').at(-1))).toEqual(['moving_mean', 'moving_variance', 'seed_generator_state'])
    const [y, newNtv, losses] = model.statelessCall(tv, ntv, x, { training: true, returnLosses: true })
    expect(await snapshot(model.statefulVariables())).toEqual(before)
    expect(losses.length).toBe(2) // activity l1 of the first Dense + its kernel L2
    // The same call, stateful: equal outputs, and the variables move to the values statelessCall returned.
    const yRef = model.apply(x, { training: true }) as Tensor
    expectClose(await y.array(), await yRef.array(), 1e-6, 'outputs')
    const after = await snapshot(model.nonTrainableVariables)
    for (const [i, v] of newNtv.entries()) expectClose(await arr(v), after[i]!, 1e-6, `state ${i}`)
    expect(after).not.toEqual(before.slice(-3))
    const lossRef = await Promise.all(model.losses.map(async (l) => (await arr(l))[0]!))
    expectClose(await Promise.all(losses.map(async (l) => (await arr(l))[0]!)), lossRef, 1e-6, 'losses')
  })

  it('reads the given trainable values, not the variables', async () => {
    const d = new Dense({ units: 2, useBias: false })
    const x = tensor([[1, 2]], { dtype: 'float32' })
    d.apply(x)
    const [y] = d.statelessCall([tensor([[1, 0], [0, 1]], { dtype: 'float32' })], [], x)
    expect(await arr(y as Tensor)).toEqual([1, 2])
    expect(() => d.statelessCall([], [], x)).toThrow(/trainableVariables/)
    expect(() => new Dense({ units: 2 }).statelessCall([], [], x)).toThrow(/must be built/)
  })

  it('works under jit (Sequential model, state returned from the compiled call)', async () => {
    const model = new Sequential({ layers: [Input({ shape: [3] }), new Dense({ units: 4 }), new BatchNormalization({ momentum: 0.5 })] })
    const x = makeInput([4, 3], 'float32', 9)
    const before = await snapshot(model.statefulVariables())
    const step = jit((tv: Tensor[], ntv: Tensor[], xs: Tensor) => model.statelessCall(tv, ntv, xs, { training: true }))
    const tv = model.trainableVariables.map((v) => v.value)
    const ntv = model.nonTrainableVariables.map((v) => v.value)
    const [y, newNtv] = await step(tv, ntv, x)
    expect(await snapshot(model.statefulVariables())).toEqual(before)
    const [yEager, ntvEager] = model.statelessCall(tv, ntv, x, { training: true })
    expectClose(await (y as Tensor).array(), await (yEager as Tensor).array(), 1e-5, 'jit outputs')
    for (const [i, v] of (newNtv as Tensor[]).entries()) expectClose(await arr(v), await arr(ntvEager[i]!), 1e-5, `jit state ${i}`)
  })

  it('gradients through it with valueAndGrad on the trainable list match finite differences', async () => {
    const d = new Dense({ units: 2, activation: 'tanh' })
    const x = makeInput([3, 2], 'float32', 5)
    d.apply(x)
    const f = (tv: Tensor[]): Tensor => {
      const [y] = d.statelessCall(tv, [], x)
      const s = y as Tensor
      return lax.reduceSum(lax.mul(s, s), [0, 1])
    }
    const tv = d.trainableVariables.map((v) => v.value)
    const [, g] = valueAndGrad(f)(tv) as [Tensor, Tensor[]]
    const k = await arr(tv[0]!)
    const eps = 1e-2
    for (let i = 0; i < k.length; i++) {
      const shifted = (delta: number): Tensor[] => [tensor(k.map((v, j) => (j === i ? v + delta : v)), { shape: [2, 2], dtype: 'float32' }), tv[1]!]
      const fd = ((await arr(f(shifted(eps))))[0]! - (await arr(f(shifted(-eps))))[0]!) / (2 * eps)
      expect(Math.abs((await arr(g[0]!))[i]! - fd)).toBeLessThan(2e-3)
    }
  })
})
