#!/usr/bin/env node
/**
 * `pnpm bench [--filter name] [--rounds 5] [--sample 0.5]`: bundles tools/bench/src (kx from its
 * TypeScript sources, tfjs from its ES modules so tfjs-layers finds its gradients) with esbuild, then
 * runs it. Writes tools/bench/out/ and, for a full run, BENCHMARKS.md at the repository root.
 */
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { bundleAndImport } from './bundle.mjs'

const here = dirname(fileURLToPath(import.meta.url))
// NOTE: @kx/keras can load ONNX Runtime's native addon on request (never here): leave it unbundled.
const { main } = await bundleAndImport({ entry: join(here, 'src', 'entry.ts'), outfile: join(here, 'out', '.build', 'bench.cjs'), external: ['onnxruntime-node'], metaUrl: 'bundle' })
await main(process.argv.slice(2), { outDir: join(here, 'out'), benchmarksMd: join(here, '..', '..', 'BENCHMARKS.md') })
