#!/usr/bin/env node
/**
 * `node tools/bench/workloads/onnx.mjs [--filter name] [--rounds 5] [--sample 0.5]`: the ONNX Runtime
 * workloads (./onnx-workloads.mjs). Bundled with esbuild (kx from its TypeScript sources) into
 * packages/backend-onnx/temp, where onnxruntime-node (external, native) resolves.
 */
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { bundleAndImport } from '../bundle.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const { main } = await bundleAndImport({
  entry: join(here, 'onnx-workloads.mjs'),
  outfile: join(here, '..', '..', '..', 'packages', 'backend-onnx', 'temp', 'bench', 'onnx-bench.cjs'),
  external: ['onnxruntime-node', 'onnxruntime-common'],
})
await main(process.argv.slice(2))
