/** @file Test helpers of the HDF5 reader tests: every Keras-written HDF5 file, and a reader's whole content. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { loadH5, type H5Reader } from '../src/saving/h5.js'
import { ZipReader } from '../src/saving/zip.js'

/** Keras-written golden files of the saving tests. */
export const SAVING_GOLDEN = join(__dirname, 'golden', 'saving')
const DIRS = [SAVING_GOLDEN, join(__dirname, '../../../../shared/fixtures/keras-models')]

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? filesUnder(p) : /\.(h5|keras)$/.test(f) ? [p] : []
  })
}

/** Every HDF5 file Keras wrote in the golden folder and the shared fixtures (each `.keras`'s `model.weights.h5` too). */
export async function kerasH5Files(): Promise<{ name: string; bytes: Uint8Array }[]> {
  const out: { name: string; bytes: Uint8Array }[] = []
  for (const p of DIRS.flatMap(filesUnder)) {
    const bytes = new Uint8Array(readFileSync(p))
    if (p.endsWith('.h5')) out.push({ name: p, bytes })
    else {
      const zip = ZipReader.open(bytes, p)
      if (zip.names().includes('model.weights.h5')) out.push({ name: `${p}:model.weights.h5`, bytes: await zip.read('model.weights.h5') })
    }
  }
  return out
}

/** Everything a reader exposes, read through the shared interface; data as values of the stored type (NaN, -0 named). */
export function dumpH5(r: H5Reader, path = '/', out: Record<string, unknown> = {}): Record<string, unknown> {
  const attrs = Object.fromEntries(r.attrNames(path).sort().map((n) => [n, r.attr(path, n)]))
  if (r.isGroup(path)) {
    out[path] = { group: r.keys(path), attrs }
    for (const k of r.keys(path)) dumpH5(r, path === '/' ? `/${k}` : `${path}/${k}`, out)
  } else {
    const info = r.datasetInfo(path)
    const dtype = info.type.kind === 'float' ? 'float64' : info.type.bfloat16 ? 'float32' : 'int32'
    const data = [...r.readDataset(path, dtype).data].map((v) => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : v))
    out[path] = { info, attrs, data }
  }
  return out
}

/** An HDF5 file written by h5wasm (libhdf5) in memory: `build` gets h5wasm's `File`. */
export async function h5wasmFile(build: (f: any) => void): Promise<Uint8Array> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const h5 = await loadH5()
  const name = '/kx_test_case.h5'
  const f = new h5.lib.File(name, 'w')
  build(f)
  f.close()
  const bytes = h5.Module.FS.readFile(name) as Uint8Array
  h5.Module.FS.unlink(name)
  return bytes
}
