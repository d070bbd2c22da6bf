/** @file The kit checks itself: it must catch a broken backend, report gaps and unsupported dtypes, and cover every primitive. */
import { describe, expect, it } from 'vitest'
import { createReferenceBackend, customGradient, lax, PRIMITIVES, type Backend, type Tensor } from '@kx/core'
import {
  CASES, compareArrays, coverageTable, dumpCases, runConformance, runGoldenChecks, runGradientChecks, toleranceFor,
  type ConformanceCase, type ConformanceResults, type ConformanceTable, type GoldenFile, type TestApi,
} from '../src/index.js'

interface TestApiLike { api: TestApi; runAll(): Promise<string[]> }

/** A test API that collects the tests a runner registers, so this file can run them and inspect results. */
function collector(): TestApiLike {
  const tests: { name: string; fn: () => void | Promise<void> }[] = []
  const api: TestApi = {
    describe: (_name, fn) => fn(),
    it: (name, fn) => { tests.push({ name, fn }) },
    expect: (actual, message) => ({ toEqual: (want) => { expect(actual, message).toEqual(want) } }),
  }
  return {
    api,
    async runAll() {
      const failures: string[] = []
      for (const t of tests) {
        try { await t.fn() } catch (e) { failures.push(`${t.name}: ${e instanceof Error ? e.message : String(e)}`) }
      }
      return failures
    },
  }
}

/** The reference backend with `exp` off by 1e-3 and no float64. */
function brokenBackend(): Backend {
  const ref = createReferenceBackend()
  return {
    ...ref,
    name: 'broken',
    capabilities: { ...ref.capabilities, dtypes: new Set([...ref.capabilities.dtypes].filter((d) => d !== 'float64')) },
    run(prim, inputs, params, outputs) {
      const ids = ref.run(prim, inputs, params, outputs)
      if (prim !== 'exp') return ids
      return ids.map((id, i) => {
        const spec = outputs[i]!
        const values = ref.readSync!({ dataId: id, shape: spec.shape, dtype: spec.dtype })
        ref.disposeData(id, spec.dtype)
        return ref.upload(values.map((v) => v * 1.001), spec.shape, spec.dtype)
      })
    },
  }
}

const statusOf = (r: ConformanceResults, prim: string, caseName: string): string | undefined =>
  r.records.find((x) => x.prim === prim && x.caseName === caseName && x.check === 'values')?.status

describe('conformance kit', () => {
  it('has cases for every backend primitive', () => {
    const backendPrims = Object.keys(PRIMITIVES).filter((p) => !['cond', 'while', 'scan'].includes(p)).sort()
    expect(Object.keys(CASES).sort()).toEqual(backendPrims)
    for (const [prim, cases] of Object.entries(CASES)) {
      expect(cases.length, prim).toBeGreaterThan(0)
      expect(new Set(cases.map((c) => c.name)).size, `${prim}: case names are unique`).toBe(cases.length)
    }
  })

  it('compares within dtype tolerances', () => {
    expect(compareArrays([1, NaN, Infinity], [1, NaN, Infinity], 'float32', toleranceFor('float32'))).toBeUndefined()
    expect(compareArrays([1 + 1e-7], [1], 'float32', toleranceFor('float32'))).toBeUndefined()
    expect(compareArrays([1.001], [1], 'float32', toleranceFor('float32'))).toMatch(/1\/1 values differ/)
    expect(compareArrays([2], [3], 'int32', toleranceFor('int32'))).toMatch(/got 2, want 3/)
    expect(compareArrays([NaN], [0], 'float64', toleranceFor('float64'))).toMatch(/differ/)
  })

  it('catches a wrong primitive and reports dtypes the backend lacks', async () => {
    const c = collector()
    const results = runConformance(brokenBackend, c.api, { name: 'broken', prims: ['exp', 'add'], float64AsFloat32: false })
    const failures = await c.runAll()
    expect(statusOf(results, 'exp', 'f32')).toBe('fail')
    expect(statusOf(results, 'exp', 'f64')).toBe('unsupported')
    expect(statusOf(results, 'add', 'f32')).toBe('pass')
    expect(failures.some((f) => f.includes('exp/f32'))).toBe(true)
    expect(failures.some((f) => f.includes('add/'))).toBe(false)
    expect(coverageTable(results)).toMatch(/\| exp \|.*\*\*fail\*\*/)
  })

  it('runs float64 cases in float32 on a backend without float64', async () => {
    const c = collector()
    const results = runConformance(brokenBackend, c.api, { name: 'broken', prims: ['add'] })
    await c.runAll()
    expect(statusOf(results, 'add', 'f64')).toBe('pass')
  })

  it('catches a backend that writes into its inputs', async () => {
    const c = collector()
    const aliasing = (): Backend => {
      const ref = createReferenceBackend()
      return {
        ...ref,
        run(prim, inputs, params, outputs) {
          const ids = ref.run(prim, inputs, params, outputs)
          if (prim === 'neg') (inputs[0]!.dataId as { values: Float32Array }).values.fill(0)
          return ids
        },
      }
    }
    const results = runConformance(aliasing, c.api, { name: 'aliasing', prims: ['neg'] })
    const failures = await c.runAll()
    expect(statusOf(results, 'neg', 'f32')).toBe('fail')
    expect(failures.join('\n')).toMatch(/input 0 was modified by the call/)
  })

  it('turns failures of a known gap into reported gaps, and flags stale gaps', async () => {
    const c = collector()
    const results = runConformance(brokenBackend, c.api, {
      name: 'broken', prims: ['exp', 'neg'],
      knownGaps: [{ prim: 'exp', reason: 'off by 0.1%', issue: '#1' }, { prim: 'neg', reason: 'stale entry' }],
    })
    const failures = await c.runAll()
    expect(statusOf(results, 'exp', 'f32')).toBe('gap')
    expect(failures).toHaveLength(1)
    expect(failures[0]).toMatch(/neg is listed as a known gap/)
    const table = coverageTable(results)
    expect(table).toMatch(/\| exp \|.*\| gap \| known gap: off by 0.1% \(#1\)/)
  })

  it('dumps every case with a fingerprint for the golden script', () => {
    const dumped = dumpCases()
    const total = Object.values(CASES).reduce((n, cs) => n + cs.filter((x) => !x.noGolden).length, 0)
    expect(dumped).toHaveLength(total)
    expect(new Set(dumped.map((d) => d.id)).size).toBe(total)
    expect(dumped.every((d) => /^[0-9a-f]{8}$/.test(d.hash))).toBe(true)
  })

  it('finite differences catch a wrong gradient', async () => {
    // `post` is the identity with a doubled gradient, so the VJP disagrees with the function's derivative.
    const doubled = customGradient((t: Tensor) => [lax.add(t, lax.sub(t, t)), (dy: Tensor) => [lax.add(dy, dy)]])
    const wrong: ConformanceCase<'exp'> = { name: 'doubled', inputs: [{ shape: [3], dtype: 'float64' }], params: {}, post: (o) => [doubled(o[0]!) as Tensor] }
    const table = { ...CASES, exp: [wrong, ...CASES.exp] } as ConformanceTable
    const c = collector()
    const results = runGradientChecks(c.api, { prims: ['exp'], cases: table })
    const failures = await c.runAll()
    expect(results.records.find((r) => r.caseName === 'doubled')?.status).toBe('fail')
    expect(results.records.filter((r) => r.caseName !== 'doubled').every((r) => r.status === 'pass')).toBe(true)
    expect(failures.join('\n')).toMatch(/differ from finite differences/)
  })

  it('golden checks catch wrong values and stale entries', async () => {
    const [entry] = dumpCases().filter((d) => d.id === 'exp/f64')
    const outputs = [{ dtype: 'float64' as const, shape: [7], values: entry!.inputs[0]!.values.map((v) => Math.exp(Number(v))) }]
    const wrongValues = outputs.map((o) => ({ ...o, values: o.values.map((v, i) => (i === 2 ? v * (1 + 1e-9) : v)) }))
    const golden = (cases: GoldenFile['cases']): GoldenFile => ({ generator: 'test', jax: 'test', cases })
    const run = async (g: GoldenFile): Promise<string | undefined> => {
      const c = collector()
      const results = runGoldenChecks(g, c.api, { prims: ['exp'] })
      await c.runAll()
      return results.records.find((r) => r.caseName === 'f64')?.message ?? results.records.find((r) => r.caseName === 'f64')?.status
    }
    expect(await run(golden({ 'exp/f64': { hash: entry!.hash, outputs } }))).toBe('pass')
    expect(await run(golden({ 'exp/f64': { hash: entry!.hash, outputs: wrongValues } }))).toMatch(/1\/7 values differ/)
    expect(await run(golden({ 'exp/f64': { hash: '00000000', outputs } }))).toMatch(/stale/)
    expect(await run(golden({}))).toMatch(/no golden entry/)
  })
})
