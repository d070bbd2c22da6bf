#!/usr/bin/env node
/**
 * `node tools/bench/bundle-size.mjs [--json] [--top 15] [--analyze]`: the bundle size of a browser app that
 * loads a model and predicts on WebGPU, written with `@kx/layers` + `@kx/backend-webgpu` (the
 * `@kx/layers/saving` entry with a `.keras` file and with the TF.js `model.json` format; the package root
 * registering only the model's layers, or every layer) and with `@tensorflow/tfjs-layers` +
 * `@tensorflow/tfjs-backend-webgpu` 4.22.0 — bundled by esbuild (minified ESM, browser platform, code
 * splitting) and gzipped (level 9, chunk by chunk). Prints the sizes, the ratios and, from esbuild's
 * metafile, the biggest contributors to each bundle (input bytes kept after tree shaking, by package;
 * `--analyze`: by file, esbuild's `analyzeMetafile`; `--why <path fragment>`: for each kept input file whose path
 * contains the fragment, the kept modules importing it and an import chain from the app's entry to it).
 * kx is bundled from its TypeScript sources (`@kx/source` condition): the same code as `dist/`.
 */
import { analyzeMetafile, build } from 'esbuild'
import { gzipSync } from 'node:zlib'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const argv = process.argv.slice(2)
const top = Number(argv[argv.indexOf('--top') + 1] || 15)

/**
 * The apps: the same job (load a saved model, InputLayer → Dense, from the page's folder, predict one batch,
 * print it). `lazy`: what the page's dynamic imports reach at run time, as package names or source paths
 * (the WebGPU engine, which kx imports once an adapter exists; kx's HDF5 reader, which reads a `.keras` file's
 * weights; the layer modules the model's config names, which kx's loaders import on demand). fflate's inflater is
 * not among them: Keras (zipfile's default) and kx write `.keras` members stored, and the zip reader imports the
 * inflater only for a deflated member (an archive re-zipped by another tool).
 */
const DENSE = 'layers/src/layers/core/Dense.ts'
const H5_READER = 'layers/src/saving/h5-read-kx.ts'
const APPS = {
  'kx (@kx/layers/saving + @kx/backend-webgpu)': { lazy: ['@tensorflow/tfjs-backend-webgpu', H5_READER, DENSE], code: `
    import { registerBackend, setBackend, tensor } from '@kx/core'
    import { loadModel } from '@kx/layers/saving'
    import { createWebGPUBackend } from '@kx/backend-webgpu'
    registerBackend('webgpu', () => createWebGPUBackend(), { priority: 3 })
    await setBackend('webgpu')
    const model = await loadModel(new URL('model.keras', location.href))
    const y = model.apply(tensor([[0.1, 0.2]], { dtype: 'float32' }))
    console.log(await y.data())
  ` },
  'kx, TF.js model format (same files as the tfjs app)': { lazy: ['@tensorflow/tfjs-backend-webgpu', DENSE], code: `
    import { registerBackend, setBackend, tensor } from '@kx/core'
    import { loadLayersModel } from '@kx/layers/saving'
    import { createWebGPUBackend } from '@kx/backend-webgpu'
    registerBackend('webgpu', () => createWebGPUBackend(), { priority: 3 })
    await setBackend('webgpu')
    const model = await loadLayersModel(new URL('model.json', location.href))
    const y = model.apply(tensor([[0.1, 0.2]], { dtype: 'float32' }))
    console.log(await y.data())
  ` },
  'kx, package root, registering only its layers (InputLayer, Sequential, Dense), TF.js format': { lazy: ['@tensorflow/tfjs-backend-webgpu'], code: `
    import { registerBackend, setBackend, tensor } from '@kx/core'
    import { Dense, InputLayer, Sequential, layerRegistry, saving } from '@kx/layers'
    import { createWebGPUBackend } from '@kx/backend-webgpu'
    registerBackend('webgpu', () => createWebGPUBackend(), { priority: 3 })
    await setBackend('webgpu')
    layerRegistry.register(InputLayer, 'InputLayer')
    layerRegistry.register(Sequential, 'Sequential')
    layerRegistry.register(Dense, 'Dense')
    const model = await saving.loadLayersModel(new URL('model.json', location.href))
    const y = model.apply(tensor([[0.1, 0.2]], { dtype: 'float32' }))
    console.log(await y.data())
  ` },
  'kx, package root, every layer (registerBuiltinLayers()), .keras': { lazy: ['@tensorflow/tfjs-backend-webgpu', H5_READER], code: `
    import { registerBackend, setBackend, tensor } from '@kx/core'
    import { registerBuiltinLayers, saving } from '@kx/layers'
    import { createWebGPUBackend } from '@kx/backend-webgpu'
    registerBackend('webgpu', () => createWebGPUBackend(), { priority: 3 })
    await setBackend('webgpu')
    registerBuiltinLayers()
    const model = await saving.loadModel(new URL('model.keras', location.href))
    const y = model.apply(tensor([[0.1, 0.2]], { dtype: 'float32' }))
    console.log(await y.data())
  ` },
  'tfjs (@tensorflow/tfjs-layers + @tensorflow/tfjs-backend-webgpu 4.22.0)': { lazy: [], code: `
    import * as tf from '@tensorflow/tfjs-core'
    import { loadLayersModel } from '@tensorflow/tfjs-layers'
    import '@tensorflow/tfjs-backend-webgpu'
    await tf.setBackend('webgpu')
    const model = await loadLayersModel('model.json')
    const y = model.predict(tf.tensor2d([[0.1, 0.2]]))
    console.log(await y.data())
  ` },
}

/** Package of a metafile input path (`node_modules/.pnpm/x/node_modules/@scope/name/...` or `packages/<p>/`). */
function packageOf(path) {
  const nm = path.lastIndexOf('node_modules/')
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/')
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]
  }
  const m = /packages\/([^/]+)\//.exec(path)
  return m ? `@kx/${m[1]}` : path
}

/**
 * Bundles one app. `loaded` is what the page downloads to run it: the entry chunk, its static imports, and
 * the dynamically imported chunks the app reaches (`lazy` packages: the WebGPU engine, which kx imports once
 * an adapter exists; jsfive and fflate's inflater, which read `.keras` files). Chunks nobody reaches at run time (tfjs's
 * wasm/cpu engines behind `createTfjsBackend`'s dynamic imports; h5wasm, which kx loads only to write HDF5
 * or to read a file jsfive cannot) are counted in `all` only.
 */
async function measure(name, { code, lazy }, dir) {
  const entry = join(dir, `${Object.keys(APPS).indexOf(name)}.mjs`)
  writeFileSync(entry, code)
  const outdir = join(dir, 'out')
  const result = await build({
    entryPoints: [entry], bundle: true, splitting: true, write: false, minify: true, format: 'esm', platform: 'browser', target: 'es2022',
    conditions: ['@kx/source'], metafile: true, logLevel: 'error', outdir,
    // kx resolves from backend-webgpu (its devDependencies hold @kx/layers); tfjs-layers from tools/.
    nodePaths: [join(root, 'packages', 'backend-webgpu', 'node_modules'), join(root, 'tools', 'node_modules')],
    // @kx/backend-webgpu itself: its `@kx/source` entry (no package depends on it to link it).
    plugins: [{ name: 'kx-backend-webgpu', setup: (b) => b.onResolve({ filter: /^@kx\/backend-webgpu$/ }, () => ({ path: join(root, 'packages', 'backend-webgpu', 'src', 'index.ts') })) }],
  })
  const outputs = result.metafile.outputs
  const key = (f) => Object.keys(outputs).find((k) => f.path.endsWith(k.replace(/^.*?out\//, 'out/')))
  const files = new Map(result.outputFiles.filter((f) => f.path.endsWith('.js')).map((f) => [key(f), f]))
  const size = (ks) => [...ks].map((k) => files.get(k).contents).reduce((a, c) => ({ min: a.min + c.length, gzip: a.gzip + gzipSync(c, { level: 9 }).length }), { min: 0, gzip: 0 })
  const packagesIn = (k) => new Set(Object.keys(outputs[k].inputs).map(packageOf))
  const reaches = (k, what) => (/\.[cm]?[jt]s$/.test(what) ? Object.keys(outputs[k].inputs).some((p) => p.endsWith(what)) : packagesIn(k).has(what))
  const entryKey = [...files.keys()].find((k) => outputs[k].entryPoint?.endsWith(entry.slice(dir.length + 1)))
  const loaded = new Set()
  const visit = (k) => {
    if (loaded.has(k)) return
    loaded.add(k)
    for (const imp of outputs[k].imports) {
      if (!files.has(imp.path)) continue
      if (imp.kind !== 'dynamic-import' || lazy.some((p) => reaches(imp.path, p))) visit(imp.path)
    }
  }
  visit(entryKey)
  const byPackage = new Map()
  for (const k of loaded) {
    for (const [path, { bytesInOutput }] of Object.entries(outputs[k].inputs)) byPackage.set(packageOf(path), (byPackage.get(packageOf(path)) ?? 0) + bytesInOutput)
  }
  // `--analyze`: esbuild's per-file breakdown of the loaded chunks (bytes of each input kept in the output).
  const analysis = argv.includes('--analyze')
    ? await analyzeMetafile({ ...result.metafile, outputs: Object.fromEntries([...loaded].map((k) => [k, outputs[k]])) })
    : undefined
  const why = argv.includes('--why') ? whyChains(result.metafile, loaded, argv[argv.indexOf('--why') + 1] ?? '') : undefined
  return { name, loaded: size(loaded), all: size(files.keys()), chunks: [loaded.size, files.size], top: [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top), analysis, why }
}

/**
 * `--why <fragment>`: for every input kept in the loaded chunks whose path contains `fragment`, the kept modules
 * that import it (package barrels, `index.ts`, left out: they re-export everything) and the shortest import chain
 * from the entry through kept non-barrel modules (breadth-first over `metafile.inputs[f].imports`; `~>` marks a
 * dynamic import). An edge says a module imports another, not which of its exports survive tree shaking: follow the
 * importers to the first module that has no business in the app.
 * NOTE: esbuild assigns whole files to chunks, and a file reachable from the entry by static imports (even through a
 * barrel's unused re-export) goes to a chunk the entry loads: what only a lazily imported module (a layer) uses from
 * such a file still loads up front. A file used through a package barrel shows "(only barrels / the entry)": grep the
 * importing packages for its exports.
 */
function whyChains(metafile, loaded, fragment) {
  const kept = new Set()
  for (const k of loaded) for (const [p, { bytesInOutput }] of Object.entries(metafile.outputs[k].inputs)) if (bytesInOutput > 0) kept.add(p)
  const barrel = (p) => /\/src\/index\.ts$/.test(p)
  const entry = Object.keys(metafile.inputs).find((p) => /kx-bundle-size-[^/]*\/\d+\.mjs$/.test(p))
  const parent = new Map([[entry, null]])
  const queue = [entry]
  while (queue.length) {
    const f = queue.shift()
    for (const imp of metafile.inputs[f]?.imports ?? []) {
      // Barrels are passed through but their own importers are not counted as reasons.
      if (imp.external || parent.has(imp.path) || (!kept.has(imp.path) && !barrel(imp.path))) continue
      parent.set(imp.path, { from: f, dynamic: imp.kind === 'dynamic-import' })
      queue.push(imp.path)
    }
  }
  const short = (p) => p.replace(/^.*?node_modules\//, '').replace(/^(\.\.\/)+work\/main\//, '').replace(/^packages\//, '')
  const importers = (p) => [...kept].filter((f) => !barrel(f) && metafile.inputs[f]?.imports.some((i) => i.path === p)).map(short)
  return [...kept].filter((p) => p.includes(fragment)).sort().map((p) => {
    const chain = []
    for (let at = p; at; at = parent.get(at)?.from) chain.unshift([at, parent.get(at)?.dynamic])
    return `${short(p)}\n      imported by: ${importers(p).join(', ') || '(only barrels / the entry)'}\n      chain: ${chain.map(([f, d], i) => `${i && d ? '~> ' : i ? '-> ' : ''}${short(f)}`).join(' ')}`
  })
}

const dir = mkdtempSync(join(tmpdir(), 'kx-bundle-size-'))
try {
  const results = []
  for (const [name, app] of Object.entries(APPS)) results.push(await measure(name, app, dir))
  if (argv.includes('--json')) {
    console.log(JSON.stringify(results, null, 2))
  } else {
    const kb = (n) => `${(n / 1024).toFixed(1)} KB`
    for (const r of results) {
      console.log(`\n${r.name}`)
      console.log(`  loaded to run (${r.chunks[0]} of ${r.chunks[1]} chunks): ${kb(r.loaded.min)} min, ${kb(r.loaded.gzip)} gzip; all chunks: ${kb(r.all.min)} min, ${kb(r.all.gzip)} gzip`)
      console.log('  biggest contributors to what is loaded (minified bytes):')
      for (const [p, b] of r.top) console.log(`    ${kb(b).padStart(10)}  ${p}`)
      if (r.analysis) console.log(r.analysis)
      if (r.why) console.log(`  why (import chains from the entry):\n${r.why.map((l) => `    ${l}`).join('\n')}`)
    }
    const [kx, kxJson, kxFew, kxAll, tfjs] = results
    console.log('\n| app | loaded to run: min | gzip | all chunks: gzip |\n|---|---|---|---|')
    for (const r of results) console.log(`| ${r.name} | ${kb(r.loaded.min)} | ${kb(r.loaded.gzip)} | ${kb(r.all.gzip)} |`)
    const ratio = (r) => (r.loaded.gzip / tfjs.loaded.gzip).toFixed(2)
    console.log(`\nkx ÷ tfjs (loaded, gzip): .keras app ${ratio(kx)}, TF.js-format app ${ratio(kxJson)}, root registering only its layers ${ratio(kxFew)}, root with every layer ${ratio(kxAll)}`)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
