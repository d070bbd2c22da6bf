/** @file Finds tfjs-backend-wasm's `.wasm` binaries in Node (the package folder); browsers pass `wasmPaths`. */

interface NodeProcess { readonly versions?: { readonly node?: string }; getBuiltinModule?(id: string): unknown }
interface NodeModuleApi { createRequire(url: string): { resolve(id: string): string } }
interface NodePathApi { dirname(p: string): string; readonly sep: string }

/**
 * The folder holding tfjs-backend-wasm's binaries, as a path ending in `/`, found through Node's module
 * resolution from this package (so it works under pnpm's strict layout); undefined outside Node.
 *
 * @example
 * ```ts
 * const dir = await locateWasmFiles() // '/…/node_modules/@tensorflow/tfjs-backend-wasm/dist/'
 * ```
 */
export async function locateWasmFiles(): Promise<string | undefined> {
  const proc = (globalThis as { process?: NodeProcess }).process
  // NOTE: getBuiltinModule (Node ≥ 20.16) keeps bundlers from resolving Node builtins for browsers.
  if (typeof proc?.versions?.node !== 'string' || typeof proc.getBuiltinModule !== 'function') return undefined
  const { createRequire } = proc.getBuiltinModule('node:module') as NodeModuleApi
  const { dirname, sep } = proc.getBuiltinModule('node:path') as NodePathApi
  const require = createRequire(import.meta.url)
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + sep
}
