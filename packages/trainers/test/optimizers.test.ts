import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Variable, jit, lax, memory, tensor, tidy, type DType, type Tensor } from '@kx/core'
import {
  Adam, AdamW, RMSprop, SGD, LossScaleOptimizer, MultiOptimizer, OptimizerMap, Optimizer, getOptimizer, optimizerRegistry,
  serializeOptimizer, deserializeOptimizer,
} from '../src/optimizers/index.js'
import { ExponentialDecay } from '../src/schedules/index.js'

interface Arr { shape: number[]; dtype: string; data: number[] }
/** Golden JSON writes non-finite numbers as "inf" / "-inf" / "nan". */
const num = (x: number | string): number => (typeof x === 'number' ? x : x === 'inf' ? Infinity : x === '-inf' ? -Infinity : NaN)
interface Case {
  name: string
  envelope: { class_name: string; config: Record<string, unknown> }
  exclude_var_names?: string[]
  grads: Record<string, Arr>[]
  trajectory: Record<string, Arr>[]
  optimizer_variables: (Arr & { path: string })[]
}
const golden = JSON.parse(readFileSync(new URL('./golden/optimizers.json', import.meta.url), 'utf8')) as {
  init: Record<string, Arr>
  optimizers: Case[]
}

const toTensor = (a: Arr): Tensor => tensor(a.data.map(num), { shape: a.shape, dtype: a.dtype as DType })

function expectClose(actual: ArrayLike<number>, expected: readonly number[], where: string, rtol = 1e-6, atol = 1e-6): void {
  expect(actual.length, where).toBe(expected.length)
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!
    const e = num(expected[i]!)
    if (!Number.isFinite(e)) { expect(a, `${where}[${i}]`).toBe(e); continue }
    const err = Math.abs(a - e)
    if (err > atol + rtol * Math.abs(e)) expect.fail(`${where}[${i}]: got ${a}, expected ${e} (err ${err})`)
  }
}

/** `nadam/variable_3` → `variable`; other paths lose the optimizer-name prefix (numbering differs per run). */
const normPath = (p: string): string => p.split('/').slice(1).join('/').replace(/^variable(_\d+)?$/, 'variable')

function makeVariables(): Variable[] {
  return Object.entries(golden.init).map(([name, a]) => new Variable({ initializer: toTensor(a), name }))
}

describe('optimizers: golden trajectories from Keras 3', () => {
  for (const c of golden.optimizers) {
    it(c.name, () => {
      const vars = makeVariables()
      const opt = deserializeOptimizer(c.envelope)
      expect(opt.getConfig()).toEqual(c.envelope.config)
      expect(serializeOptimizer(opt)).toEqual(c.envelope)
      if (c.exclude_var_names) opt.excludeFromWeightDecay({ varNames: c.exclude_var_names })
      c.grads.forEach((step, s) => {
        tidy(() => { opt.applyGradients(vars.map((v) => [toTensor(step[v.name]!), v] as const)) })
        for (const v of vars) expectClose(v.rawValue.dataSync(), c.trajectory[s]![v.name]!.data, `${c.name} step ${s} ${v.name}`)
      })
      const ov = opt.variables
      expect(ov.map((v) => normPath(v.path))).toEqual(c.optimizer_variables.map((v) => normPath(v.path)))
      ov.forEach((v, i) => {
        const e = c.optimizer_variables[i]!
        expect([...v.shape], v.path).toEqual(e.shape)
        expect(v.dtype, v.path).toBe(e.dtype)
        expectClose(v.rawValue.dataSync(), e.data, `${c.name} ${v.path}`)
      })
      for (const v of vars) v.dispose()
    })
  }
})

describe('optimizers: API', () => {
  it('getOptimizer resolves names case-insensitively, envelopes and instances', () => {
    expect(getOptimizer('adam')).toBeInstanceOf(Adam)
    expect(getOptimizer('Adam')).toBeInstanceOf(Adam)
    expect(getOptimizer('sgd')).toBeInstanceOf(SGD)
    expect(getOptimizer('rmsprop')).toBeInstanceOf(RMSprop)
    expect(getOptimizer('adamw')).toBeInstanceOf(AdamW)
    const opt = new SGD()
    expect(getOptimizer(opt)).toBe(opt)
    const fromEnv = getOptimizer({ class_name: 'SGD', config: { learning_rate: 0.5, momentum: 0.9, nesterov: true } }) as SGD
    expect(fromEnv.momentum).toBe(0.9)
    expect(fromEnv.nesterov).toBe(true)
    expect(fromEnv.learningRate).toBeCloseTo(0.5)
    expect(() => getOptimizer('nope')).toThrow(/Unknown optimizer/)
  })

  it('takes camelCased Keras arguments and reports snake_case config', () => {
    const opt = new Adam({ learningRate: 0.01, beta1: 0.8, beta2: 0.9, epsilon: 1e-5, amsgrad: true, clipnorm: 1, name: 'my_adam' })
    const config = opt.getConfig()
    expect(config).toMatchObject({ name: 'my_adam', beta_1: 0.8, beta_2: 0.9, epsilon: 1e-5, amsgrad: true, clipnorm: 1 })
    expect(config['learning_rate']).toBe(Math.fround(0.01))
    expect(serializeOptimizer(opt)).toMatchObject({ module: 'keras.optimizers', class_name: 'Adam', registered_name: null })
  })

  it('auto-names like Keras (snake_case class name, made unique)', () => {
    const a = new RMSprop()
    expect(a.name).toMatch(/^rm_sprop(_\d+)?$/)
    expect(new AdamW().name).toMatch(/^adam_w(_\d+)?$/)
  })

  it('validates arguments like Keras', () => {
    expect(() => new SGD({ clipnorm: 1, clipvalue: 1 })).toThrow(/Only one of/)
    expect(() => new SGD({ momentum: 2 })).toThrow(/momentum/)
    expect(() => new Adam({ gradientAccumulationSteps: 1 })).toThrow(/gradient_accumulation_steps/)
    expect(() => new AdamW({ weightDecay: null })).toThrow(/weight_decay/)
    expect(() => new Adam({ useEma: true, emaMomentum: 2 })).toThrow(/ema_momentum/)
  })

  it('orders variables like Keras and names slots after the variable path', () => {
    const w = new Variable({ initializer: [[1, 2]], name: 'kernel', dtype: 'float32' })
    w.path = 'dense/kernel'
    const opt = new Adam({ name: 'adam_x', amsgrad: true })
    opt.build([w])
    expect(opt.variables.map((v) => v.path)).toEqual([
      'adam_x/iteration', 'adam_x/learning_rate', 'adam_x/dense_kernel_momentum', 'adam_x/dense_kernel_velocity', 'adam_x/dense_kernel_velocity_hat',
    ])
    expect(opt.iterations.dtype).toBe('int32')
  })

  it('gets and sets the learning rate', () => {
    const opt = new SGD({ learningRate: 0.1 })
    expect(opt.learningRate).toBeCloseTo(0.1)
    opt.learningRate = 0.25
    expect(opt.learningRate).toBe(0.25)
    expect(opt.getConfig()['learning_rate']).toBe(0.25)
    const sched = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5 })
    opt.learningRate = sched
    expect(opt.learningRate).toBe(sched)
    expect(opt.variables.map((v) => v.path)).toEqual([`${opt.name}/iteration`])
    expect(() => { opt.learningRate = 0.1 }).toThrow(/not settable/)
    const fnOpt = new SGD({ learningRate: () => 0.5 })
    const v = new Variable({ initializer: [1], dtype: 'float32' })
    fnOpt.applyGradients([[tensor([1], { dtype: 'float32' }), v]])
    expect(v.rawValue.dataSync()[0]).toBeCloseTo(0.5)
  })

  it('applies constraints after the update and skips missing gradients', () => {
    const v = new Variable({ initializer: [1, -1], dtype: 'float32', constraint: (x) => lax.max(x, tensor([0, 0], { dtype: 'float32' })) })
    const u = new Variable({ initializer: [3], dtype: 'float32' })
    const opt = new SGD({ learningRate: 1 })
    const warn = console.warn
    const warnings: string[] = []
    console.warn = (m: string) => { warnings.push(m) }
    try {
      opt.applyGradients([[tensor([0.5, 0.5], { dtype: 'float32' }), v], [null, u]])
    } finally {
      console.warn = warn
    }
    expect([...v.rawValue.dataSync()]).toEqual([0.5, 0])
    expect([...u.rawValue.dataSync()]).toEqual([3])
    expect(warnings[0]).toMatch(/Gradients do not exist/)
    expect(opt.iterations.rawValue.dataSync()[0]).toBe(1)
  })

  it('EMA: finalizeVariableValues and swapEmaWeights', () => {
    const v = new Variable({ initializer: [1], dtype: 'float32' })
    const opt = new SGD({ learningRate: 1, useEma: true, emaMomentum: 0.5 })
    const g = tensor([1], { dtype: 'float32' })
    opt.applyGradients([[g, v]]) // v = 0, avg = 0 (first step copies)
    opt.applyGradients([[g, v]]) // v = -1, avg = 0.5 * 0 + 0.5 * -1
    expect(v.rawValue.dataSync()[0]).toBe(-1)
    opt.swapEmaWeights([v])
    expect(v.rawValue.dataSync()[0]).toBe(-0.5)
    opt.swapEmaWeights([v])
    expect(v.rawValue.dataSync()[0]).toBe(-1)
    opt.finalizeVariableValues([v])
    expect(v.rawValue.dataSync()[0]).toBe(-0.5)
    expect(opt.emaAverages[0]!.rawValue.dataSync()[0]).toBe(-0.5)
  })

  it('scaleLoss multiplies by lossScaleFactor', () => {
    const opt = new SGD({ lossScaleFactor: 8 })
    expect(opt.scaleLoss(tensor([2], { dtype: 'float32' })).dataSync()[0]).toBe(16)
  })

  it('apply() without variables needs a built optimizer', () => {
    const opt = new SGD()
    expect(() => opt.apply([tensor([1], { dtype: 'float32' })])).toThrow(/must already be built/)
    const v = new Variable({ initializer: [1], dtype: 'float32' })
    opt.build([v])
    opt.apply([tensor([1], { dtype: 'float32' })])
    expect(v.rawValue.dataSync()[0]).toBeCloseTo(0.99)
    const other = new Variable({ initializer: [1], dtype: 'float32' })
    expect(() => opt.applyGradients([[tensor([1], { dtype: 'float32' }), other]])).toThrow(/Unknown variable/)
  })

  it('OptimizerMap: exact keys, then one full-match pattern, else the default', () => {
    const sgd = new SGD()
    const adam = new Adam()
    const rms = new RMSprop()
    const map = new OptimizerMap(rms)
    map.set('encoder/layer_0/dense', adam)
    map.set('encoder/.*', sgd)
    map.set('decoder', adam)
    expect(map.get('decoder')).toBe(adam)
    expect(map.get('encoder/layer_0/dense')).toBe(adam)
    expect(map.get('encoder/layer_0/attention/query')).toBe(sgd)
    expect(map.get('decoder/layer_0/dense')).toBe(rms)
    expect(() => map.set('decoder', sgd)).toThrow(/already exists/)
    expect(() => map.set('x', new LossScaleOptimizer(new SGD()))).toThrow(/LossScaleOptimizer/)
    const multi = new MultiOptimizer(map)
    expect(multi.optimizers).toEqual([adam, sgd, rms])
    expect(() => multi.learningRate).toThrow(/cannot be accessed/)
  })

  it('LossScaleOptimizer: scaleLoss uses the dynamic scale and delegates the learning rate', () => {
    const inner = new SGD({ learningRate: 0.5, lossScaleFactor: 3 })
    const opt = new LossScaleOptimizer(inner, { initialScale: 8 })
    expect(inner.lossScaleFactor).toBeNull()
    expect(opt.scaleLoss(tensor([2], { dtype: 'float32' })).dataSync()[0]).toBe(16)
    expect(opt.learningRate).toBe(0.5)
    opt.learningRate = 0.25
    expect(inner.learningRate).toBe(0.25)
    expect(() => LossScaleOptimizer.fromConfig({ inner_optimizer: serializeOptimizer(inner), clipnorm: 1 })).toThrow(/does not support `clipnorm`/)
  })

  it('exposes Keras namespace names get/serialize/deserialize', async () => {
    const ns = await import('../src/optimizers/index.js')
    expect(ns.get('sgd')).toBeInstanceOf(SGD)
    expect(ns.deserialize(ns.serialize(new Adam({ name: 'a' })))).toBeInstanceOf(Adam)
    const sch = await import('../src/schedules/index.js')
    expect(sch.get({ class_name: 'ExponentialDecay', config: { initial_learning_rate: 1, decay_steps: 1, decay_rate: 0.5 } })).toBeInstanceOf(ExponentialDecay)
    expect(sch.serialize(sch.deserialize(sch.serialize(new ExponentialDecay({ initialLearningRate: 1, decaySteps: 1, decayRate: 0.5 }))))['class_name']).toBe('ExponentialDecay')
  })

  it('is an Optimizer registry of Keras names', () => {
    for (const n of ['SGD', 'Adam', 'AdamW', 'RMSprop']) expect(optimizerRegistry.has(n)).toBe(true)
    expect(new SGD()).toBeInstanceOf(Optimizer)
  })
})

describe('optimizers: memory', () => {
  it('500 Adam steps keep the tensor count flat', () => {
    const vars = [
      new Variable({ initializer: tensor(Array.from({ length: 12 }, (_, i) => i / 10), { shape: [3, 4], dtype: 'float32' }), name: 'kernel' }),
      new Variable({ initializer: tensor([0.1, 0.2, 0.3, 0.4], { dtype: 'float32' }), name: 'bias' }),
    ]
    const grads = vars.map((v) => tensor(Array.from({ length: v.shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i)), { shape: [...v.shape], dtype: 'float32' }))
    const opts: Optimizer[] = [new Adam({ amsgrad: true }), new AdamW({ gradientAccumulationSteps: 2, useEma: true, emaOverwriteFrequency: 3, clipnorm: 1 })]
    for (const opt of opts) {
      opt.applyGradients(vars.map((v, i) => [grads[i]!, v] as const))
      const before = memory().numTensors
      for (let s = 0; s < 500; s++) opt.applyGradients(vars.map((v, i) => [grads[i]!, v] as const))
      expect(memory().numTensors).toBe(before)
    }
  })
})

describe('optimizers: tracing', () => {
  it('a jitted update matches the eager one (accumulation, EMA, loss scaling included)', () => {
    const makers: (() => Optimizer)[] = [
      () => new Adam({ learningRate: 0.1, amsgrad: true }),
      () => new AdamW({ gradientAccumulationSteps: 2, useEma: true, emaOverwriteFrequency: 2, globalClipnorm: 1 }),
      () => new LossScaleOptimizer(new SGD({ momentum: 0.9 }), { initialScale: 4, dynamicGrowthSteps: 2 }),
      () => new MultiOptimizer(new OptimizerMap(new SGD(), { k: new RMSprop({ centered: true }) })),
    ]
    for (const make of makers) {
      const mk = (): Variable => new Variable({ initializer: tensor([[1, 2], [3, 4]], { dtype: 'float32' }), name: 'k' })
      const a = mk()
      const b = mk()
      const oa = make()
      const ob = make()
      oa.build([a])
      ob.build([b])
      const step = jit((g: Tensor) => { ob.applyGradients([[g, b]]) })
      for (let s = 0; s < 4; s++) {
        const g = tensor([[0.5, -1], [2, s === 2 ? Infinity : 0.1 * s]], { dtype: 'float32' })
        oa.applyGradients([[g, a]])
        step(g)
      }
      expect([...b.rawValue.dataSync()], oa.name).toEqual([...a.rawValue.dataSync()])
      expect(ob.variables.map((v) => [...v.rawValue.dataSync()])).toEqual(oa.variables.map((v) => [...v.rawValue.dataSync()]))
    }
  })
})
