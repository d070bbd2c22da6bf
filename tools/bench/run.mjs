#!/usr/bin/env node
/**
 * `pnpm bench [--filter name] [--rounds 5] [--sample 0.5]`: bundles tools/bench/src (kx from its
 * TypeScript sources, tfjs from its ES modules so tfjs-layers finds its gradients) with esbuild, then
 * runs it. Writes tools/bench/out/ and, for a full run, BENCHMARKS.md at the repository root.
 */
import { build } from 'esbuild'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { dirname, join } from 'node:path'

const here = dirname(fileURLToPath(import.meta.url))
const outfile = join(here, 'out', '.build', 'bench.cjs')
await build({
  entryPoints: [join(here, 'src', 'entry.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // NOTE: ES modules first so tfjs-core is one copy shared by kx, tfjs-layers and its gradients.
  mainFields: ['module', 'main'],
  conditions: ['@kx/source'],
  // NOTE: @kx/keras can load ONNX Runtime's native addon on request (never here): leave it unbundled.
  external: ['onnxruntime-node'],
  define: { 'import.meta.url': '__bench_import_meta_url' },
  banner: { js: 'const __bench_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
})
const { main } = await import(pathToFileURL(outfile).href)
await main(process.argv.slice(2), { outDir: join(here, 'out'), benchmarksMd: join(here, '..', '..', 'BENCHMARKS.md') })
