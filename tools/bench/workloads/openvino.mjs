#!/usr/bin/env node
/**
 * `node tools/bench/workloads/openvino.mjs [--filter name] [--rounds 5] [--sample 0.5]`: the OpenVINO
 * workloads (./openvino-workloads.mjs). Bundled with esbuild (kx from its TypeScript sources) into
 * packages/backend-openvino/temp; the native packages (koffi, onnxruntime-node) stay external and are
 * resolved from the packages that depend on them.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { dirname, join } from 'node:path'
import { bundleAndImport } from '../bundle.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const pkgs = join(here, '..', '..', '..', 'packages')
const nativeFrom = { koffi: join(pkgs, 'backend-openvino', 'package.json'), 'onnxruntime-node': join(pkgs, 'backend-onnx', 'package.json') }
const { main } = await bundleAndImport({
  entry: join(here, 'openvino-workloads.mjs'),
  outfile: join(pkgs, 'backend-openvino', 'temp', 'bench', 'openvino-bench.cjs'),
  plugins: [{
    name: 'native-externals',
    setup(b) {
      // kx's sources resolve native packages with createRequire(import.meta.url): keep each file's own URL.
      b.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]src[\\/].*\.ts$/ }, (args) => ({
        contents: readFileSync(args.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
        loader: 'ts',
      }))
      // Native packages: external, at the absolute path their owning package resolves them to.
      b.onResolve({ filter: /^(koffi|onnxruntime-node)(\/.*)?$/ }, (args) => {
        const owner = Object.entries(nativeFrom).find(([name]) => args.path === name || args.path.startsWith(`${name}/`))[1]
        return { path: createRequire(owner).resolve(args.path), external: true }
      })
    },
  }],
})
await main(process.argv.slice(2))
process.exit(0)
