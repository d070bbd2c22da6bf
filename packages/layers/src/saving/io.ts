/**
 * @file IO handlers: where model files come from and go to. File paths in Node (through a dynamic
 * `import('node:fs/promises')`, so browser bundles never pull it in), URLs through `fetch`,
 * `ArrayBuffer` / `Uint8Array` / `Blob` in memory, and `memoryFiles()` for several named files
 * (sharded weights, TF.js `model.json` + `.bin`). Names of sibling files that come from inside a
 * file are checked so they cannot leave their folder.
 */
import { FileFormatError, InvalidArgumentError, fmt } from '@kx/core'

/** A readable file, with access to files next to it when the source has a folder. */
export interface FileSource {
  /** The file's name or path (used for format detection and in error messages). */
  readonly name: string
  /** Reads the whole file. */
  read(): Promise<Uint8Array>
  /** A file in the same folder (shards, `.bin` files); absent for single in-memory buffers. */
  sibling?(name: string): FileSource
}

/** A writable destination for one or more named files. */
export interface FileSink {
  write(name: string, data: Uint8Array): Promise<void> | void
}

/** What the loaders accept: a path or URL, bytes, a Blob, or a `FileSource`. */
export type LoadSource = string | UrlLike | ArrayBuffer | Uint8Array | BlobLike | FileSource

/** A WHATWG `URL` (only `href` and `protocol` are used). */
export interface UrlLike {
  readonly href: string
  readonly protocol: string
}
/** What the savers accept: a path (Node) or a `FileSink`. */
export type SaveTarget = string | FileSink

/** The part of the DOM `Blob` kx uses. */
export interface BlobLike {
  readonly size: number
  readonly name?: string
  arrayBuffer(): Promise<ArrayBuffer>
}

interface GlobalEnv {
  process?: { versions?: { node?: string } }
  fetch?: (url: string) => Promise<{ ok: boolean; status: number; statusText?: string; arrayBuffer(): Promise<ArrayBuffer> }>
  TextDecoder: new (label?: string, options?: { fatal?: boolean }) => { decode(b: Uint8Array): string }
  TextEncoder: new () => { encode(s: string): Uint8Array }
  URL: new (url: string, base?: string) => { href: string; protocol: string; pathname: string }
}
const env = globalThis as unknown as GlobalEnv

/** UTF-8 bytes of a string. */
export function utf8Encode(s: string): Uint8Array { return new env.TextEncoder().encode(s) }
/** A string from UTF-8 bytes (invalid sequences are an error naming `where`). */
export function utf8Decode(b: Uint8Array, where: string): string {
  try {
    return new env.TextDecoder('utf-8', { fatal: true }).decode(b)
  } catch {
    throw new FileFormatError(`${where} is not valid UTF-8 text (the file is corrupt).`)
  }
}

/** Largest file read from a path or URL (default 4 GiB). */
export const MAX_FILE_BYTES = 2 ** 32

const isNode = (): boolean => typeof env.process?.versions?.node === 'string'
const isUrl = (s: string): boolean => /^(https?|blob|data|file):/i.test(s)

/** Checks a file name taken from inside a file (a shard or `.bin` path): a plain name or a relative path without `..`. */
export function checkSiblingName(name: unknown, where: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 1024) throw new FileFormatError(`${where}: invalid file name ${fmt(name)}.`)
  const parts = name.split(/[\\/]/)
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name) || parts.some((p) => p === '..' || p === '') || name.includes('\0') || isUrl(name)) {
    throw new FileFormatError(`${where}: refusing the file name ${fmt(name)}; names inside model files must stay in the model's folder.`)
  }
  return name
}

function baseName(p: string): string { return p.split(/[\\/]/).pop() ?? p }

async function nodeFs(): Promise<{ readFile(p: string): Promise<Uint8Array>; writeFile(p: string, d: Uint8Array): Promise<void>; stat(p: string): Promise<{ size: number; isDirectory(): boolean }>; mkdir(p: string, o: { recursive: boolean }): Promise<unknown> }> {
  const spec = 'node:fs/promises'
  return (await import(/* @vite-ignore */ spec)) as never
}

/**
 * A file on disk (Node only).
 *
 * @example
 * ```ts
 * const model = await loadModel(pathSource('out/model.keras'))
 * ```
 */
export function pathSource(path: string): FileSource {
  return {
    name: path,
    async read() {
      if (!isNode()) throw new InvalidArgumentError(`Reading a file path needs Node.js; in a browser pass a URL, a Blob, an ArrayBuffer or a Uint8Array. Received: path=${fmt(path)}`)
      const fs = await nodeFs()
      let st
      try { st = await fs.stat(path) } catch (e) { throw new InvalidArgumentError(`No such file: ${fmt(path)} (${(e as Error).message})`) }
      if (st.isDirectory()) throw new InvalidArgumentError(`Expected a file but found a folder: ${fmt(path)}`)
      if (st.size > MAX_FILE_BYTES) throw new FileFormatError(`${path} is ${st.size} bytes, over the ${MAX_FILE_BYTES}-byte limit.`)
      const buf = await fs.readFile(path)
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
    },
    sibling(name: string) {
      const dir = path.includes('/') || path.includes('\\') ? path.slice(0, Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1) : ''
      return pathSource(dir + checkSiblingName(name, path))
    },
  }
}

/**
 * A file behind a URL, fetched with the global `fetch`; siblings resolve relative to it.
 *
 * @example
 * ```ts
 * const model = await loadLayersModel(urlSource('https://example.com/web_model/model.json'))
 * ```
 */
export function urlSource(url: string | UrlLike): FileSource {
  const href = typeof url === 'string' ? url : url.href
  return {
    name: href,
    async read() {
      if (!env.fetch) throw new InvalidArgumentError(`Loading from a URL needs a global \`fetch\`. Received: url=${fmt(href)}`)
      const res = await env.fetch(href)
      if (!res.ok) throw new InvalidArgumentError(`Request for ${href} failed with status ${res.status}${res.statusText ? ` (${res.statusText})` : ''}.`)
      const ab = await res.arrayBuffer()
      if (ab.byteLength > MAX_FILE_BYTES) throw new FileFormatError(`${href} is ${ab.byteLength} bytes, over the limit.`)
      return new Uint8Array(ab)
    },
    sibling(name: string) { return urlSource(new env.URL(checkSiblingName(name, href), href).href) },
  }
}

/**
 * Bytes already in memory (no siblings).
 *
 * @example
 * ```ts
 * const model = await loadModel(bytesSource(await file.arrayBuffer(), 'model.keras'))
 * ```
 */
export function bytesSource(data: ArrayBuffer | Uint8Array, name = 'buffer'): FileSource {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data)
  return { name, async read() { return bytes } }
}

function isBlob(v: unknown): v is BlobLike {
  return typeof v === 'object' && v !== null && typeof (v as BlobLike).arrayBuffer === 'function' && typeof (v as BlobLike).size === 'number'
}
function isUrlLike(v: unknown): v is UrlLike {
  return typeof v === 'object' && v !== null && typeof (v as UrlLike).href === 'string' && typeof (v as UrlLike).protocol === 'string' && typeof (v as FileSource).read !== 'function'
}
function isFileSource(v: unknown): v is FileSource {
  return typeof v === 'object' && v !== null && typeof (v as FileSource).read === 'function' && typeof (v as FileSource).name === 'string'
}

/**
 * Normalizes any accepted source to a `FileSource` (paths in Node, URLs, bytes, Blobs).
 *
 * @example
 * ```ts
 * const bytes = await toSource('model.keras').read()
 * ```
 */
export function toSource(src: LoadSource, defaultName = 'buffer'): FileSource {
  if (typeof src === 'string' || isUrlLike(src)) {
    const href = typeof src === 'string' ? src : src.href
    if (/^file:/i.test(href) && isNode()) return pathSource(decodeURIComponent(new env.URL(href).pathname))
    return isUrl(href) || !isNode() ? urlSource(href) : pathSource(href)
  }
  if (src instanceof Uint8Array || src instanceof ArrayBuffer) return bytesSource(src, defaultName)
  if (isFileSource(src)) return src
  if (isBlob(src)) {
    const blob = src
    return {
      name: blob.name ?? defaultName,
      async read() {
        if (blob.size > MAX_FILE_BYTES) throw new FileFormatError(`${blob.name ?? defaultName} is ${blob.size} bytes, over the limit.`)
        return new Uint8Array(await blob.arrayBuffer())
      },
    }
  }
  throw new InvalidArgumentError(`Cannot read a model from this value. Pass a path (Node), a URL, an ArrayBuffer, a Uint8Array, a Blob or a FileSource. Received: ${fmt(Object.prototype.toString.call(src))}`)
}

/**
 * A sink writing into a folder on disk (Node only; the folder is created).
 *
 * @example
 * ```ts
 * await saveLayersModel(model, folderSink('web_model'))
 * ```
 */
export function folderSink(dir: string): FileSink {
  return {
    async write(name: string, data: Uint8Array) {
      if (!isNode()) throw new InvalidArgumentError(`Writing to a path needs Node.js; in a browser pass a FileSink such as \`memoryFiles()\`. Received: path=${fmt(dir)}`)
      const fs = await nodeFs()
      await fs.mkdir(dir, { recursive: true })
      await fs.writeFile(`${dir.replace(/[\\/]+$/, '')}/${checkSiblingName(name, dir)}`, data)
    },
  }
}

/** Writes one file to a path (Node, parent folders created) or to a sink under its base name. */
export async function writeTo(target: SaveTarget, data: Uint8Array, defaultName: string): Promise<void> {
  if (typeof target === 'string') {
    if (!isNode()) throw new InvalidArgumentError(`Writing to a path needs Node.js; in a browser pass a FileSink such as \`memoryFiles()\`. Received: path=${fmt(target)}`)
    const fs = await nodeFs()
    const slash = Math.max(target.lastIndexOf('/'), target.lastIndexOf('\\'))
    if (slash > 0) await fs.mkdir(target.slice(0, slash), { recursive: true })
    await fs.writeFile(target, data)
    return
  }
  if (target && typeof (target as FileSink).write === 'function') {
    await target.write(defaultName, data)
    return
  }
  throw new InvalidArgumentError(`Cannot save to this value. Pass a file path (Node) or a FileSink such as \`memoryFiles()\`. Received: ${fmt(Object.prototype.toString.call(target))}`)
}

/** The sink for sibling files of a save target: the target's folder, or the sink itself. */
export function siblingSink(target: SaveTarget): FileSink {
  if (typeof target === 'string') {
    const slash = Math.max(target.lastIndexOf('/'), target.lastIndexOf('\\'))
    return folderSink(slash >= 0 ? target.slice(0, slash) || '/' : '.')
  }
  return target
}

/** The file name of a save target (its base name, or `fallback` for sinks). */
export function targetName(target: SaveTarget, fallback: string): string {
  return typeof target === 'string' ? baseName(target) : fallback
}

/**
 * Named files in memory: a `FileSink` to save into and a source of files to load from (for
 * browsers, tests, and formats made of several files).
 *
 * @example
 * ```ts
 * const files = memoryFiles()
 * await saveModel(model, files)            // writes "model.keras"
 * const again = await loadModel(files.source('model.keras'))
 * ```
 */
export class MemoryFiles implements FileSink {
  private readonly files = new Map<string, Uint8Array>()
  constructor(init?: Readonly<Record<string, Uint8Array | ArrayBuffer>> | Iterable<readonly [string, Uint8Array | ArrayBuffer]>) {
    if (init) {
      const entries = Symbol.iterator in Object(init) ? (init as Iterable<readonly [string, Uint8Array | ArrayBuffer]>) : Object.entries(init)
      for (const [k, v] of entries) this.files.set(k, v instanceof Uint8Array ? v : new Uint8Array(v))
    }
  }
  write(name: string, data: Uint8Array): void { this.files.set(name, data) }
  /** A file's bytes, or undefined. */
  get(name: string): Uint8Array | undefined { return this.files.get(name) }
  has(name: string): boolean { return this.files.has(name) }
  names(): string[] { return [...this.files.keys()] }
  /** A `FileSource` for one of the files (its siblings are the other files). */
  source(name: string): FileSource {
    const self = this
    return {
      name,
      async read() {
        const d = self.files.get(name)
        if (!d) throw new InvalidArgumentError(`No file ${fmt(name)} in memoryFiles. Files: ${fmt(self.names())}`)
        return d
      },
      sibling(other: string) {
        const dir = name.includes('/') ? name.slice(0, name.lastIndexOf('/') + 1) : ''
        return self.source(dir + checkSiblingName(other, name))
      },
    }
  }
}

/**
 * Named files in memory (see `MemoryFiles`).
 *
 * @example
 * ```ts
 * const files = memoryFiles({ 'model.json': json, 'weights.bin': bin })
 * ```
 */
export function memoryFiles(init?: Readonly<Record<string, Uint8Array | ArrayBuffer>>): MemoryFiles { return new MemoryFiles(init) }
