import { defineConfig } from 'vitest/config'
import { sourceConditions } from '../../vitest.shared.ts'

// NOTE: preprocessing layers read values synchronously (data-dependent shapes, host-side parameters) and
// use dtypes webgpu lacks (issue #14), so CI runs the other files. KX_LAYERS_ALL=1 runs every file.
const layersExclude = process.env['KX_LAYERS_ALL'] === '1' ? [] : ['test/layers-pre*.test.ts']

export default defineConfig({
  resolve: sourceConditions,
  ssr: { resolve: sourceConditions },
  test: {
    name: 'backend-webgpu', include: ['test/**/*.test.ts'], testTimeout: 60_000,
    projects: [
      // This package's own tests: the top-level options above (what the repository-root vitest also runs).
      { extends: true },
      // The @kx/layers harness on WebGPU (layers cannot depend on a backend, so the backend runs layers' tests).
      {
        // Not `extends: true`: that would merge this `include` with the package's own patterns.
        resolve: sourceConditions,
        ssr: { resolve: sourceConditions },
        test: {
          name: 'backend-webgpu-layers', root: '../layers', include: ['test/layers-*.test.ts'], exclude: layersExclude,
          setupFiles: [new URL('./test/layers-setup.ts', import.meta.url).pathname], testTimeout: 180_000,
        },
      },
    ],
  },
})
