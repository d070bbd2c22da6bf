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
const { main } = await bundleAndImport({
  entry: join(here, 'webgpu-workloads.mjs'),
  outfile: join(here, '..', '..', '..', 'packages', 'backend-webgpu', 'temp', 'bench', 'webgpu-bench.cjs'),
  // Native addons stay external; @kx/keras (used by kx-models) reaches onnxruntime-node only lazily.
  external: ['webgpu', 'onnxruntime-node', 'openvino-node'],
})
await main(process.argv.slice(2))
process.exit(0)
