/**
 * @file Module boundaries that keep inference bundles small: the eager path (tensors, `bind`, the shape
 * rules, the registry, `lax`) must not statically import autodiff's VJP rules, tracing, control flow,
 * `jit` or the reference backend. A bundler keeps whatever a kept module imports, so one such import
 * puts that code into every browser app.
 */
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src')

/** Relative value imports and re-exports of a module (`import type` / `export type` carry no code). */
function staticImports(file: string): string[] {
  const text = readFileSync(join(src, file), 'utf8')
  const out: string[] = []
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^;'"]*?\s+from\s+)?'(\.{1,2}\/[^']+)'/gms)) {
    out.push(relative(src, normalize(join(src, dirname(file), m[1]!.replace(/\.js$/, '.ts')))))
  }
  return out
}

/** Every module reachable from `roots` by static imports, with the chain that first reached it. */
function reachable(roots: readonly string[]): Map<string, string[]> {
  const seen = new Map<string, string[]>(roots.map((r) => [r, [r]]))
  const queue = [...roots]
  while (queue.length) {
    const f = queue.shift()!
    for (const g of staticImports(f)) {
      if (seen.has(g)) continue
      seen.set(g, [...seen.get(f)!, g])
      queue.push(g)
    }
  }
  return seen
}

const EAGER_PATH = ['tensor.ts', 'creation.ts', 'dispatch.ts', 'registry.ts', 'lax.ts', 'engine.ts', 'variable.ts', 'primitives/index.ts', 'random/SeedGenerator.ts']
const NOT_ON_EAGER_PATH = [/^autodiff\/(rules\/|grad\.ts)/, /^reference\//, /^trace\//, /^control\.ts$/, /^jit\.ts$/]

describe('inference bundle boundaries', () => {
  it('the eager path imports no VJP rules, tracing, control flow, jit or reference backend', () => {
    const graph = reachable(EAGER_PATH)
    const offending = [...graph].filter(([f]) => NOT_ON_EAGER_PATH.some((re) => re.test(f))).map(([, chain]) => chain.join(' -> '))
    expect(offending).toEqual([])
    // The walk itself works: it follows dispatch into the shape rules.
    expect(graph.has('primitives/linear.ts')).toBe(true)
  })

  it('the VJP rules are reached through autodiff only', () => {
    const graph = reachable(['autodiff/grad.ts'])
    expect(graph.has('autodiff/rules/index.ts')).toBe(true)
    expect(graph.has('autodiff/rules/routines.ts')).toBe(true)
  })
})
