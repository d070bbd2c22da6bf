import { defineConfig } from 'vitest/config'
import { sourceConditions } from '../../vitest.shared.ts'

// NOTE: like backend-onnx (same lazy engine), the recurrent and preprocessing files are the slow part of
// the layer zoo; CI runs the rest. KX_LAYERS_ALL=1 runs every file.
const layersExclude = process.env['KX_LAYERS_ALL'] === '1' ? [] : ['test/layers-rnn.test.ts', 'test/layers-pre.test.ts']

export default defineConfig({
  resolve: sourceConditions,
  ssr: { resolve: sourceConditions },
  test: {
    name: 'backend-openvino', include: ['test/**/*.test.ts'], testTimeout: 60_000,
    projects: [
      // This package's own tests: the top-level options above (what the repository-root vitest also runs).
      { extends: true },
      // The @kx/layers harness on OpenVINO (layers cannot depend on a backend, so the backend runs layers' tests).
      {
        // Not `extends: true`: that would merge this `include` with the package's own patterns.
        resolve: sourceConditions,
        ssr: { resolve: sourceConditions },
        test: {
          name: 'backend-openvino-layers', root: '../layers', include: ['test/layers-*.test.ts'], exclude: layersExclude,
          setupFiles: [new URL('./test/layers-setup.ts', import.meta.url).pathname], testTimeout: 120_000,
        },
      },
    ],
  },
})
