import { defineConfig } from 'vitest/config'
import { sourceConditions } from '../../vitest.shared.ts'

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
          name: 'backend-webgpu-layers', root: '../layers', include: ['test/layers-*.test.ts'],
          setupFiles: [new URL('./test/layers-setup.ts', import.meta.url).pathname], testTimeout: 180_000,
        },
      },
    ],
  },
})
