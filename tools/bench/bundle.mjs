/**
 * Bundles a bench entry with esbuild (kx from its TypeScript sources via the `@kx/source` condition, ES
 * modules first so tfjs-core is one copy shared by kx, tfjs-layers and its gradients) and imports it.
 * `import.meta.url` inside the bundle is the entry's own URL (or the bundle's, with `metaUrl: 'bundle'`).
 */
import { build } from 'esbuild'
import { pathToFileURL } from 'node:url'

/** Builds `entry` into `outfile` (CommonJS, Node 20) with the given externals/plugins, then imports it. */
export async function bundleAndImport({ entry, outfile, external = [], plugins = [], metaUrl = 'entry' }) {
  const url = metaUrl === 'bundle' ? 'require("node:url").pathToFileURL(__filename).href' : JSON.stringify(pathToFileURL(entry).href)
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
    conditions: ['@kx/source'],
    external,
    plugins,
    define: { 'import.meta.url': '__bench_import_meta_url' },
    banner: { js: `const __bench_import_meta_url = ${url};` },
    logLevel: 'warning',
  })
  return import(pathToFileURL(outfile).href)
}
