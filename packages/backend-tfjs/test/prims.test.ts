/** Every primitive on tfjs-cpu and tfjs-wasm against the reference backend. */
import { describe, expect, it, beforeAll } from 'vitest'
import { bind, createReferenceBackend, DTypeError, PRIMITIVES, type BackendPrim, type Prim, type Tensor } from '@kx/core'
import { createTfjsBackend, TFJS_FALLBACKS, TFJS_PRIM_RULES, type TfjsBackend, type TfjsBackendOptions } from '../src/index.js'
import { CASES, type Case } from './cases.js'
import { mismatch, onBackend, rng, values } from './util.js'

const CONTROL = new Set<Prim>(['cond', 'while', 'scan'])
const BACKEND_PRIMS = (Object.keys(PRIMITIVES) as Prim[]).filter((p) => !CONTROL.has(p)) as BackendPrim[]
const SUPPORTED = new Set(['float32', 'int32', 'bool'])
const reference = createReferenceBackend()

const label = (c: Case, i: number): string => `${c.prim}${c.name ? ` (${c.name})` : ''} #${i}`

describe('coverage', () => {
  it('the rule table and the case table cover every backend primitive', () => {
    expect(Object.keys(TFJS_PRIM_RULES).sort()).toEqual([...BACKEND_PRIMS].sort())
    const covered = new Set(CASES.map((c) => c.prim))
    expect(BACKEND_PRIMS.filter((p) => !covered.has(p))).toEqual([])
  })
  it('the fallbacks table names only real primitives', () => {
    for (const f of TFJS_FALLBACKS) expect(BACKEND_PRIMS).toContain(f.prim)
  })
})

/** The two engines, plus configurations that switch kernels off to exercise the compositions that replace them. */
const CONFIGS: readonly [string, TfjsBackendOptions][] = [
  ['tfjs-cpu', { engine: 'cpu' }],
  ['tfjs-wasm', { engine: 'wasm' }],
  ['tfjs-cpu, composed paths (im2col, no MaxPoolGrad, explicit transposes)', {
    engine: 'cpu', name: 'tfjs-cpu-composed',
    traits: { convRhs: 'im2col', explicitMatmulTranspose: true, missingKernels: new Set(['MaxPoolGrad', 'Conv2DBackpropFilter']) },
  }],
  ['tfjs-wasm, conv identity for conv_transpose_rhs', { engine: 'wasm', name: 'tfjs-wasm-convrhs', traits: { convRhs: 'conv' } }],
]

/** Primitives whose rules must run without host reads (engines like webgpu that cannot read synchronously). */
const DEVICE_ONLY = new Set<BackendPrim>(['dynamic_slice', 'dynamic_update_slice', 'pad', 'reduce_window', 'select_and_scatter_add', 'cummax', 'cummin',
  'scatter', 'scatter_add', 'gather', 'broadcast_in_dim', 'slice', 'dot_general', 'conv_general_dilated', 'conv_transpose_lhs', 'conv_transpose_rhs', 'iota'])

describe.each([...CONFIGS.map((c) => [...c, CASES] as const), [
  'tfjs-cpu without sync reads (device-only paths)',
  { engine: 'cpu', name: 'tfjs-cpu-nosync', traits: { syncRead: false, hostMemory: undefined, missingKernels: new Set(['MaxPoolGrad']) } } as TfjsBackendOptions,
  CASES.filter((c) => DEVICE_ONLY.has(c.prim) && c.inputs.every((i) => i.dtype === 'float32' || c.prim !== 'dot_general') && c.inputs[0]?.dtype !== 'bool'),
] as const, [
  'tfjs-cpu with its Conv2DBackpropFilter kernel',
  { engine: 'cpu', name: 'tfjs-cpu-kernel', traits: { convRhs: 'kernel' } } as TfjsBackendOptions,
  CASES.filter((c) => c.prim === 'conv_transpose_rhs'),
] as const])('%s vs reference', (_name, options, cases) => {
  let backend: TfjsBackend
  beforeAll(async () => { backend = await createTfjsBackend(options) })

  it.each(cases.map((c) => [label(c, CASES.indexOf(c)), c, CASES.indexOf(c)] as const))('%s', async (_label, c, i) => {
    const r = rng(1000 + i)
    const hostInputs = c.inputs.map((s) => values(s, r))
    const refIn = c.inputs.map((s, k) => onBackend(reference, hostInputs[k]!, s.shape, s.dtype))
    const expected = bind(c.prim, refIn, c.params)
    const unsupported = [...c.inputs.map((s) => s.dtype), ...expected.map((t) => t.dtype)].filter((d) => !SUPPORTED.has(d))
    const tfIn = c.inputs.filter((s) => SUPPORTED.has(s.dtype)).length === c.inputs.length
      ? c.inputs.map((s, k) => onBackend(backend, hostInputs[k]!, s.shape, s.dtype))
      : null
    try {
      if (unsupported.length > 0) {
        // Dtypes tfjs lacks are refused by core's dispatch with a typed error.
        expect(() => bind(c.prim, tfIn ?? [], c.params)).toThrow(DTypeError)
        return
      }
      const before = backend.numDataIds()
      const actual = bind(c.prim, tfIn!, c.params)
      expect(actual.length).toBe(expected.length)
      for (const [k, a] of actual.entries()) {
        const e = expected[k]!
        expect(a.shape).toEqual(e.shape)
        expect(a.dtype).toBe(e.dtype)
        const got = await a.data()
        const want = e.dataSync()
        const tol = c.tol ?? 1e-5
        const m = mismatch(got, want, e.dtype === 'float32' ? tol : 0.5e-9)
        if (m.worst > 0) {
          throw new Error(`output ${k} differs at ${m.at}: got ${got[m.at]} want ${want[m.at]}\n got=${Array.from(got).slice(0, 40).join(',')}\nwant=${Array.from(want).slice(0, 40).join(',')}`)
        }
      }
      // No intermediate survives the call: only the outputs are new engine buffers.
      expect(backend.numDataIds() - before).toBeLessThanOrEqual(actual.length)
      actual.forEach((t: Tensor) => t.dispose())
    } finally {
      refIn.forEach((t) => t.dispose())
      expected.forEach((t) => t.dispose())
      tfIn?.forEach((t) => t.dispose())
    }
  })
})
