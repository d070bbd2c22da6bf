#!/usr/bin/env node
/**
 * `node tools/bench/workloads/webgpu.mjs [--filter name] [--rounds 5] [--sample 0.5]`: the WebGPU workloads
 * (./webgpu-workloads.mjs), kx `webgpu` against tfjs-layers on tfjs-backend-webgpu, on the same adapter and
 * device. Bundled with esbuild (kx from its TypeScript sources) into packages/backend-webgpu/temp, where the
 * native `webgpu` (Dawn) package resolves.
 */
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { bundleAndImport } from '../bundle.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const outfile = join(here, '..', '..', '..', 'packages', 'backend-webgpu', 'temp', 'bench', 'webgpu-bench.cjs')
const { main } = await bundleAndImport({
  entry: join(here, 'webgpu-workloads.mjs'),
  outfile,
  // Native addons stay external; @kx/keras (used by kx-models) reaches onnxruntime-node only lazily.
  external: ['webgpu', 'onnxruntime-node', 'openvino-node'],
})
// The first-step rows run each sample in a new process that loads `outfile`.
await main(process.argv.slice(2), { bundle: outfile })
process.exit(0)
