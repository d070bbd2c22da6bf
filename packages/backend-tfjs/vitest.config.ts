import { defineConfig } from 'vitest/config'
import { sourceConditions } from '../../vitest.shared.ts'

export default defineConfig({
  resolve: sourceConditions,
  ssr: { resolve: sourceConditions },
  test: {
    name: 'backend-tfjs', include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000,
    projects: [
      // This package's own tests: the top-level options above (what the repository-root vitest also runs).
      { extends: true },
      // The @kx/layers harness on tfjs-cpu (layers cannot depend on a backend, so the backend runs layers' tests).
      {
        // Not `extends: true`: that would merge this `include` with the package's own patterns.
        resolve: sourceConditions,
        ssr: { resolve: sourceConditions },
        test: {
          name: 'backend-tfjs-layers', root: '../layers', include: ['test/layers-*.test.ts'],
          setupFiles: [new URL('./test/layers-setup.ts', import.meta.url).pathname], testTimeout: 120_000,
        },
      },
    ],
  },
})
