#!/usr/bin/env node
/**
 * `node tools/bench/workloads/onnx.mjs [--filter name] [--rounds 5] [--sample 0.5]`: the ONNX Runtime
 * workloads (./onnx-workloads.mjs). Bundled with esbuild (kx from its TypeScript sources) into
 * packages/backend-onnx/temp, where onnxruntime-node (external, native) resolves.
 */
import { build } from 'esbuild'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { dirname, join } from 'node:path'

const here = dirname(fileURLToPath(import.meta.url))
const outfile = join(here, '..', '..', '..', 'packages', 'backend-onnx', 'temp', 'bench', 'onnx-bench.cjs')
await build({
  entryPoints: [join(here, 'onnx-workloads.mjs')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  mainFields: ['module', 'main'],
  conditions: ['@kx/source'],
  external: ['onnxruntime-node', 'onnxruntime-common'],
  define: { 'import.meta.url': '__bench_import_meta_url' },
  banner: { js: `const __bench_import_meta_url = ${JSON.stringify(pathToFileURL(join(here, 'onnx-workloads.mjs')).href)};` },
  logLevel: 'warning',
})
const { main } = await import(pathToFileURL(outfile).href)
await main(process.argv.slice(2))
