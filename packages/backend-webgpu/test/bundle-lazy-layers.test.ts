/**
 * `@kx/layers/saving` in a real esbuild bundle, built as tools/bench/bundle-size.mjs builds the issue #14 app
 * (code splitting, `@kx/source`): the lazy layer loader that the entry installs survives tree shaking, no
 * layer module sits in the chunks loaded up front, and a `.keras` file loads and predicts as it does
 * unbundled. Runs the bundle in Node on the reference backend (no GPU needed; ~10 s, most of it bundling).
 */
import { expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { tensor, type Tensor } from '@kx/core'
import { Dense, Input, Sequential, saving } from '@kx/layers'

const here = dirname(fileURLToPath(import.meta.url))
const layersDir = join(here, '..', '..', 'layers')

it('a bundled app loads a .keras file through @kx/layers/saving with each layer module in its own lazy chunk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kx-lazy-layers-'))
  try {
    const model = new Sequential({ layers: [Input({ shape: [2] }), new Dense({ units: 3, activation: 'tanh' })] })
    await saving.saveModel(model, join(dir, 'model.keras'))
    const expected = await (model.apply(tensor([[0.5, -1]], { dtype: 'float32' })) as Tensor).array()
    // A bundle carries the reference backend only when the app uses it: this one runs on it, so it registers it.
    writeFileSync(join(dir, 'app.mjs'), `
      import { createReferenceBackend, registerBackend, tensor } from '@kx/core'
      import { loadModel } from '@kx/layers/saving'
      registerBackend('reference', createReferenceBackend, { priority: 0 })
      export async function run(path) {
        const model = await loadModel(path)
        return model.apply(tensor([[0.5, -1]], { dtype: 'float32' })).array()
      }
    `)
    const { build } = await import('esbuild')
    const result = await build({
      entryPoints: [join(dir, 'app.mjs')], outdir: join(dir, 'out'), bundle: true, splitting: true, format: 'esm', platform: 'node',
      target: 'es2022', conditions: ['@kx/source'], metafile: true, logLevel: 'error', nodePaths: [join(layersDir, 'node_modules')],
      // `@kx/layers` itself: its package.json (exports, sideEffects) from the package folder, as an app would see it.
      plugins: [{ name: 'kx-layers', setup: (b) => b.onResolve({ filter: /^@kx\/layers\/saving$/ }, () => ({ path: join(layersDir, 'src', 'index-saving.ts') })) }],
    })
    const outputs = result.metafile.outputs
    const entry = Object.keys(outputs).find((k) => outputs[k]!.entryPoint?.endsWith('app.mjs'))!
    const upFront = new Set<string>()
    const visit = (k: string): void => {
      if (upFront.has(k)) return
      upFront.add(k)
      for (const i of outputs[k]!.imports) if (i.kind === 'import-statement' && outputs[i.path]) visit(i.path)
    }
    visit(entry)
    const inputsOf = (ks: Iterable<string>) => [...ks].flatMap((k) => Object.keys(outputs[k]!.inputs))
    expect(inputsOf(upFront).filter((p) => /layers\/src\/layers\/(core|convolutional|rnn|preprocessing)\//.test(p) && !p.endsWith('core/Lambda.ts'))).toEqual([])
    expect(inputsOf(Object.keys(outputs).filter((k) => !upFront.has(k))).some((p) => p.endsWith('layers/src/layers/core/Dense.ts'))).toBe(true)
    const app = await import(pathToFileURL(join(dir, 'out', 'app.js')).href) as { run(path: string): Promise<number[][]> }
    const got = await app.run(join(dir, 'model.keras'))
    expect(got).toEqual(expected)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
