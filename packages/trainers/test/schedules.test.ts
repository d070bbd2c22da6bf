import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { tensor } from '@kx/core'
import {
  CosineDecay, CosineDecayRestarts, ExponentialDecay, InverseTimeDecay, LearningRateSchedule, PiecewiseConstantDecay, PolynomialDecay,
  deserializeSchedule, getSchedule, scheduleRegistry, serializeSchedule,
} from '../src/schedules/index.js'
import { Adam, SGD } from '../src/optimizers/index.js'

interface ScheduleCase { name: string; envelope: { class_name: string; config: Record<string, unknown> }; steps: number[]; values: number[] }
const golden = JSON.parse(readFileSync(new URL('./golden/optimizers.json', import.meta.url), 'utf8')) as { schedules: ScheduleCase[] }

const close = (a: number, e: number, where: string): void => {
  if (Math.abs(a - e) > 1e-6 * Math.abs(e) + 1e-7) expect.fail(`${where}: got ${a}, expected ${e}`)
}

describe('schedules: golden values from Keras 3', () => {
  for (const c of golden.schedules) {
    it(c.name, () => {
      const s = deserializeSchedule(c.envelope)
      expect(s.getConfig()).toEqual(c.envelope.config)
      expect(serializeSchedule(s)).toEqual(c.envelope)
      c.steps.forEach((step, i) => {
        close(s.apply(tensor([step], { shape: [], dtype: 'int32' })).dataSync()[0]!, c.values[i]!, `${c.name} step ${step} (int32 tensor)`)
        close(s.apply(step).dataSync()[0]!, c.values[i]!, `${c.name} step ${step} (number)`)
      })
    })
  }
})

describe('schedules: API', () => {
  it('registers every Keras schedule', () => {
    for (const n of ['ExponentialDecay', 'PiecewiseConstantDecay', 'PolynomialDecay', 'InverseTimeDecay', 'CosineDecay', 'CosineDecayRestarts']) {
      expect(scheduleRegistry.has(n)).toBe(true)
    }
  })

  it('takes camelCased arguments with Keras defaults', () => {
    expect(new CosineDecay({ initialLearningRate: 0.1, decaySteps: 10 }).getConfig()).toEqual({
      initial_learning_rate: 0.1, decay_steps: 10, alpha: 0, name: 'CosineDecay', warmup_target: null, warmup_steps: 0,
    })
    expect(new CosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 10 }).getConfig()).toEqual({
      initial_learning_rate: 0.1, first_decay_steps: 10, t_mul: 2, m_mul: 1, alpha: 0, name: 'SGDRDecay',
    })
    expect(new PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 10 }).getConfig()).toMatchObject({ end_learning_rate: 0.0001, power: 1, cycle: false })
    expect(new PiecewiseConstantDecay({ boundaries: [1], values: [1, 2] }).name).toBe('PiecewiseConstant')
    expect(new InverseTimeDecay({ initialLearningRate: 1, decaySteps: 1, decayRate: 1 }).staircase).toBe(false)
  })

  it('validates arguments like Keras', () => {
    expect(() => new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5 })).toThrow(/decay_steps/)
    expect(() => new CosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 0 })).toThrow(/first_decay_steps/)
    expect(() => new PiecewiseConstantDecay({ boundaries: [1, 2], values: [1, 2] })).toThrow(/1 less/)
    expect(() => deserializeSchedule({ class_name: 'Nope', config: {} })).toThrow(/Unknown learning rate schedule/)
  })

  it('getSchedule accepts instances and envelopes', () => {
    const s = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5 })
    expect(getSchedule(s)).toBe(s)
    expect(getSchedule(serializeSchedule(s))).toBeInstanceOf(ExponentialDecay)
    expect(s).toBeInstanceOf(LearningRateSchedule)
  })

  it('drives an optimizer and round-trips inside its config', () => {
    const sched = new PiecewiseConstantDecay({ boundaries: [1], values: [0.5, 0.25] })
    const opt = new SGD({ learningRate: sched })
    const env = opt.getConfig()['learning_rate'] as Record<string, unknown>
    expect(env).toEqual({ module: 'keras.optimizers.schedules', class_name: 'PiecewiseConstantDecay', config: { boundaries: [1], values: [0.5, 0.25], name: 'PiecewiseConstant' }, registered_name: null })
    const back = Adam.fromConfig({ learning_rate: env })
    expect(back.learningRate).toBeInstanceOf(PiecewiseConstantDecay)
    expect(opt.currentLearningRate().dataSync()[0]).toBe(0.5)
  })
})
