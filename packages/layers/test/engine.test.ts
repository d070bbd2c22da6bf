import { describe, expect, it } from 'vitest'
import { lax, tensor, Tensor, Variable, KxError, full } from '@kx/core'
import { Layer, Input, Model, Sequential, Functional, serializeLayer, deserializeLayer, layerRegistry, type ShapeLike } from '../src/index.js'

/** A minimal dense layer written with lax only (the zoo's Dense is tested separately). */
class TinyDense extends Layer {
  static readonly className = "TinyDense"
  units: number
  kernel!: Variable
  constructor(args: { units: number; name?: string }) { super(args); this.units = args.units }
  override build(shape: ShapeLike) {
    const s = shape as (number | null)[]
    this.kernel = this.addWeight({ shape: [s.at(-1) as number, this.units], initializer: (sh, d) => full(sh, 0.5, d), name: 'kernel' })
  }
  override call(x: unknown) { return lax.dotGeneral(x as Tensor, this.kernel.value, [[1], [0]]) }
  override getConfig() { return { ...super.getConfig(), units: this.units } }
}
layerRegistry.register(TinyDense as any, 'TinyDense')

describe('layer engine', () => {
  it('builds on first call and tracks weights', async () => {
    const l = new TinyDense({ units: 2 })
    const y = l.apply(tensor([[1, 2, 3]], { dtype: 'float32' })) as Tensor
    expect(l.built).toBe(true)
    expect(l.weights.map((w) => w.path)).toEqual([`${l.name}/kernel`])
    expect(await y.array()).toEqual([[3, 3]])
  })
  it('builds Functional models symbolically and runs them', async () => {
    const x = Input({ shape: [3] })
    const h = new TinyDense({ units: 4 }).apply(x)
    const y = new TinyDense({ units: 2 }).apply(h)
    expect(y.shape).toEqual([null, 2])
    const m = new Model({ inputs: x, outputs: y })
    expect(m).toBeInstanceOf(Functional)
    expect(m.layers.length).toBe(3)
    const out = m.apply(tensor([[1, 1, 1]], { dtype: 'float32' })) as Tensor
    expect(await out.array()).toEqual([[3, 3]])
    const text = m.summary({ printFn: () => {} })
    expect(text).toContain('Total params: 20')
  })
  it('round-trips a Functional config', async () => {
    const x = Input({ shape: [3], name: 'inp' })
    const y = new TinyDense({ units: 2 }).apply(x)
    const m = new Model({ inputs: x, outputs: y })
    const env = serializeLayer(m)
    expect((env.config as any).input_layers).toEqual(['inp', 0, 0])
    const m2 = deserializeLayer(JSON.parse(JSON.stringify(env))) as Model
    const out = m2.apply(tensor([[1, 2, 3]], { dtype: 'float32' })) as Tensor
    expect(await out.array()).toEqual([[3, 3]])
  })
  it('Sequential with Input builds a graph; without it builds lazily', async () => {
    const s = new Sequential({ layers: [Input({ shape: [3] }), new TinyDense({ units: 2 })] })
    expect(s.built).toBe(true)
    expect(s.layers.length).toBe(1)
    const s2 = new Sequential({ layers: [new TinyDense({ units: 2 })] })
    expect(s2.built).toBe(false)
    const out = s2.apply(tensor([[2, 2, 2]], { dtype: 'float32' })) as Tensor
    expect(await out.array()).toEqual([[3, 3]])
    const env = serializeLayer(s)
    const s3 = deserializeLayer(JSON.parse(JSON.stringify(env))) as Sequential
    expect(s3.layers.length).toBe(1)
  })
  it('refuses training without the trainers package', () => {
    const m = new Sequential({ layers: [new TinyDense({ units: 1 })] })
    expect(() => m.compile({})).toThrow(/@kx\/trainers/)
  })
  it('rejects hostile configs', () => {
    expect(() => deserializeLayer({ class_name: 'Nope', config: {} })).toThrow(KxError)
    const polluted = JSON.parse('{"class_name":"TinyDense","config":{"units":2,"__proto__":{"polluted":true}}}')
    const l = deserializeLayer(polluted)
    expect(({} as any).polluted).toBeUndefined()
    expect(l).toBeInstanceOf(TinyDense)
  })
})

describe('cloneModel and toJSON', () => {
  it('clones architecture with fresh weights and serializes to Keras JSON', async () => {
    const { cloneModel, saving } = await import('../src/index.js')
    const x = Input({ shape: [3], name: 'cin' })
    const m = new Model({ inputs: x, outputs: new TinyDense({ units: 2 }).apply(x) })
    const c = cloneModel(m)
    expect(c).not.toBe(m)
    expect(c.layers.map((l) => l.className)).toEqual(m.layers.map((l) => l.className))
    const json = JSON.parse(m.toJSON())
    expect(json.class_name).toBe('Functional')
    expect(json.config.input_layers).toEqual(['cin', 0, 0])
    const back = saving.modelFromJson(m.toJSON()) as Model
    expect(back.layers.length).toBe(m.layers.length)
  })
})
