#!/usr/bin/env node
/**
 * `node tools/bench/workloads/webgpu.mjs [--filter name] [--rounds 5] [--sample 0.5]`: the WebGPU workloads
 * (./webgpu-workloads.mjs), kx `webgpu` against tfjs-layers on tfjs-backend-webgpu, on the same adapter and
 * device. Bundled with esbuild (kx from its TypeScript sources) into packages/backend-webgpu/temp, where the
 * native `webgpu` (Dawn) package resolves.
 */
import { build } from 'esbuild'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { dirname, join } from 'node:path'

const here = dirname(fileURLToPath(import.meta.url))
const outfile = join(here, '..', '..', '..', 'packages', 'backend-webgpu', 'temp', 'bench', 'webgpu-bench.cjs')
await build({
  entryPoints: [join(here, 'webgpu-workloads.mjs')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  mainFields: ['module', 'main'],
  conditions: ['@kx/source'],
  // Native addons stay external; @kx/keras (used by kx-models) reaches onnxruntime-node only lazily.
  external: ['webgpu', 'onnxruntime-node', 'openvino-node'],
  define: { 'import.meta.url': '__bench_import_meta_url' },
  banner: { js: `const __bench_import_meta_url = ${JSON.stringify(pathToFileURL(join(here, 'webgpu-workloads.mjs')).href)};` },
  logLevel: 'warning',
})
const { main } = await import(pathToFileURL(outfile).href)
await main(process.argv.slice(2))
process.exit(0)
