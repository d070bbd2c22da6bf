/**
 * @file `KerasFileEditor`: inspect the weights of a `.keras` or `.weights.h5` file without
 * building the model (Keras `keras.saving.KerasFileEditor`): list every stored variable with its
 * Keras path, shape and dtype, and read single values on demand.
 */
import { FileFormatError, InvalidArgumentError, fmt, type DType, type TypedArray } from '@kx/core'
import { H5Reader } from './h5.js'
import { toSource, type LoadSource } from './io.js'
import { readKerasArchive, KERAS_WEIGHTS_MEMBER } from './kerasFile.js'
import { sniffFormat } from './saveModel.js'
import type { StoredType } from './hostData.js'

/** One stored variable. */
export interface WeightInfo {
  /** Full HDF5 path, e.g. `layers/dense/vars/0`. */
  readonly path: string
  /** The object path, e.g. `layers/dense`. */
  readonly objectPath: string
  /** The `name` attribute of the object's `vars` group (the layer's name when saved), if any. */
  readonly objectName: string | null
  readonly index: string
  readonly shape: readonly number[]
  /** numpy-style dtype of the stored data (`float32`, `int64`, `bfloat16`, …). */
  readonly dtype: string
}

function dtypeName(t: StoredType): string {
  if (t.bfloat16) return 'bfloat16'
  if (t.kind === 'float') return `float${t.size * 8}`
  if (t.kind === 'int') return `${t.signed ? 'int' : 'uint'}${t.size * 8}`
  return 'other'
}

const MAX_NODES = 200_000

/**
 * Reads a Keras weights file's structure without building the model.
 *
 * @example
 * ```ts
 * const editor = await KerasFileEditor.open('model.keras')
 * console.log(editor.summary())
 * const kernel = editor.read('layers/dense/vars/0')
 * editor.close()
 * ```
 */
export class KerasFileEditor {
  /** `config.json` of a `.keras` archive (empty for weights files). */
  readonly config: Readonly<Record<string, unknown>>
  /** `metadata.json` of a `.keras` archive (empty for weights files). */
  readonly metadata: Readonly<Record<string, unknown>>
  private readonly reader: H5Reader
  private cache: WeightInfo[] | undefined

  private constructor(reader: H5Reader, config: Record<string, unknown>, metadata: Record<string, unknown>) {
    this.reader = reader
    this.config = config
    this.metadata = metadata
  }

  /** Opens a `.keras` archive or a `.weights.h5` file. */
  static async open(source: LoadSource): Promise<KerasFileEditor> {
    const src = toSource(source, 'model.keras')
    const bytes = await src.read()
    const kind = sniffFormat(bytes)
    if (kind === 'zip') {
      const { zip, config, metadata } = await readKerasArchive(bytes, src.name)
      if (!zip.has(KERAS_WEIGHTS_MEMBER)) throw new FileFormatError(`${src.name} has no ${KERAS_WEIGHTS_MEMBER}.`)
      return new KerasFileEditor(await H5Reader.open(await zip.read(KERAS_WEIGHTS_MEMBER), `${src.name}:${KERAS_WEIGHTS_MEMBER}`), config, metadata)
    }
    if (kind === 'hdf5') return new KerasFileEditor(await H5Reader.open(bytes, src.name), {}, {})
    throw new InvalidArgumentError(`KerasFileEditor opens .keras and .weights.h5 files. ${src.name} is neither (first bytes are not zip or HDF5).`)
  }

  /** Every stored variable (objects in path order, variables in index order). */
  weights(): WeightInfo[] {
    if (this.cache) return this.cache
    const out: WeightInfo[] = []
    let budget = MAX_NODES
    const walk = (path: string, depth: number): void => {
      if (depth > 64) throw new FileFormatError(`${this.reader.label}: groups nest deeper than 64 levels.`)
      for (const key of this.reader.keys(path || '/')) {
        if (--budget < 0) throw new FileFormatError(`${this.reader.label}: more than ${MAX_NODES} objects; the file is corrupt or hostile.`)
        const child = path ? `${path}/${key}` : key
        const kind = this.reader.kind(child)
        if (kind !== 'group') continue
        if (key === 'vars') {
          const nameAttr = this.reader.attr(child, 'name')
          const keys = this.reader.keys(child).slice().sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : 1))
          for (const k of keys) {
            const p = `${child}/${k}`
            if (this.reader.kind(p) !== 'dataset') continue
            const { shape, type } = this.reader.datasetInfo(p)
            out.push({ path: p, objectPath: path, objectName: typeof nameAttr === 'string' ? nameAttr : null, index: k, shape, dtype: dtypeName(type) })
          }
        } else {
          walk(child, depth + 1)
        }
      }
    }
    walk('', 0)
    this.cache = out
    return out
  }

  /** Reads one stored variable (`layers/dense/vars/0`) into the host storage of `dtype` (default float32). */
  read(path: string, dtype: DType = 'float32'): { data: TypedArray; shape: number[] } {
    const info = this.weights().find((w) => w.path === path)
    if (!info) throw new InvalidArgumentError(`No stored variable at ${fmt(path)} in ${this.reader.label}. Use \`weights()\` to list them.`)
    return this.reader.readDataset(path, dtype)
  }

  /** A text table of the stored variables (Keras `summary()`). */
  summary(): string {
    const rows = this.weights()
    const lines = [`Weights of ${this.reader.label}${this.metadata['keras_version'] ? ` (Keras ${String(this.metadata['keras_version'])})` : ''}:`]
    let total = 0
    let last = ''
    for (const w of rows) {
      if (w.objectPath !== last) {
        lines.push(`${w.objectPath || '(root)'}${w.objectName ? `  [${w.objectName}]` : ''}`)
        last = w.objectPath
      }
      const n = w.shape.reduce((a, b) => a * b, 1)
      total += n
      lines.push(`  vars/${w.index}: shape=${fmt(w.shape)} dtype=${w.dtype} (${n} values)`)
    }
    lines.push(`Total: ${rows.length} variables, ${total} values`)
    return lines.join('\n')
  }

  /** Releases the file. */
  close(): void { this.reader.close() }
}
