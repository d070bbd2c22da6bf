/**
 * @file `predict` of a Functional model with string inputs (Model.ts imports it on first use: only models that
 * take strings need it, so an inference bundle of numeric models leaves it out).
 */
import { InvalidArgumentError, KerasTensor, NotImplementedError, Tensor, fmt, lax, tidy, treeFlatten, treeUnflatten, type TreeDef } from '@kx/core'
import { concatenate } from '@kx/ops-numpy'
import { StringArray } from './strings.js'

/** What `predictWithStrings` needs of a Functional model (a structural type: Model.ts imports this file). */
interface StringModel {
  readonly name: string
  readonly inputs: readonly KerasTensor[]
  readonly inputStructure: TreeDef
  readonly outputStructure: TreeDef
  stringInputLeaves(inputs: unknown): unknown[]
  apply(inputs: unknown, options?: { training?: boolean }): unknown
}

const isTensor = (v: unknown): v is Tensor => v instanceof Tensor

/**
 * `model.predict` of a model with string inputs: batches of `batchSize` rows run eagerly (string
 * layers compute on the host, so there is no compiled step), outputs concatenated on the batch axis.
 */
export async function predictWithStrings(model: StringModel, x: unknown, options: Record<string, unknown>): Promise<unknown> {
  const extra = Object.keys(options).filter((k) => k !== 'batchSize' && k !== 'verbose')
  if (extra.length) throw new NotImplementedError(`predict() of model "${model.name}", which has string inputs, takes only batchSize and verbose: it runs eagerly on host strings. Received: ${extra.join(', ')}`)
  const batchSize = (options['batchSize'] as number | undefined) ?? 32
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError(`predict(): batchSize must be a positive integer. Received: batchSize=${fmt(batchSize)}`)
  const leaves = model.stringInputLeaves(x) as (StringArray | Tensor)[]
  const n = leaves[0]?.shape[0]
  if (n === undefined || leaves.some((l) => l.shape[0] !== n)) {
    throw new InvalidArgumentError(`predict(): every input needs the same leading batch dimension. Received: shapes ${fmt(leaves.map((l) => l.shape))}`)
  }
  const chunks: Tensor[][] = []
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize)
    chunks.push(tidy(() => {
      const batch = leaves.map((l) => (l instanceof StringArray ? l.slice(start, end) : sliceRows(l, start, end)))
      return treeFlatten(model.apply(treeUnflatten(model.inputStructure, batch), { training: false }), isTensor)[0]
    }))
  }
  if (chunks.length === 0) throw new InvalidArgumentError(`predict(): the inputs of model "${model.name}" have no rows. Received: shapes ${fmt(leaves.map((l) => l.shape))}`)
  const outs = chunks.length === 1 ? chunks[0]! : chunks[0]!.map((_, k) => concatenate(chunks.map((c) => c[k]!), { axis: 0 }))
  if (chunks.length > 1) for (const c of chunks) for (const t of c) t.dispose()
  // Tensors made here from nested JS numbers are freed; the caller's own tensors are not.
  const given = new Set<unknown>()
  const walk = (v: unknown): void => {
    if (v instanceof Tensor) given.add(v)
    else if (Array.isArray(v)) { if (v.length && typeof v[0] !== 'string' && typeof v[0] !== 'number') v.forEach(walk) }
    else if (v !== null && typeof v === 'object' && !(v instanceof StringArray)) Object.values(v).forEach(walk)
  }
  walk(x)
  for (const l of leaves) if (l instanceof Tensor && !given.has(l) && !outs.includes(l)) l.dispose()
  return treeUnflatten(model.outputStructure, outs)
}

function sliceRows(t: Tensor, start: number, end: number): Tensor {
  if (start === 0 && end === t.shape[0]) return t
  return lax.slice(t, [start, ...t.shape.slice(1).map(() => 0)], [end, ...t.shape.slice(1)])
}
