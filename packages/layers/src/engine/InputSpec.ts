/** @file InputSpec: what a layer accepts (rank, axis sizes, dtype), checked on every call. */
import { ShapeError, fmt, type DType, type Dim } from '@kx/core'

/** Constraints on one input of a layer (Keras `InputSpec`). */
export interface InputSpecArgs {
  readonly dtype?: DType
  readonly shape?: readonly Dim[]
  readonly ndim?: number
  readonly maxNdim?: number
  readonly minNdim?: number
  /** Axis (negative allowed) → required size. */
  readonly axes?: Readonly<Record<number, number | null>>
  readonly allowLastAxisSqueeze?: boolean
}

export class InputSpec {
  readonly args: InputSpecArgs
  constructor(args: InputSpecArgs) { this.args = args }
}

/** Throws a ShapeError in Keras's words when `shape` violates `spec`. */
export function assertInputCompatibility(spec: InputSpec, shape: readonly Dim[], layerName: string, index: number): void {
  const { ndim, minNdim, maxNdim, axes, shape: want } = spec.args
  const rank = shape.length
  const fail = (what: string): never => {
    throw new ShapeError(`Input ${index} of layer "${layerName}" is incompatible with the layer: ${what}. Received: input.shape=${fmt(shape)}`)
  }
  if (ndim !== undefined && rank !== ndim) fail(`expected ndim=${ndim}, found ndim=${rank}`)
  if (minNdim !== undefined && rank < minNdim) fail(`expected min_ndim=${minNdim}, found ndim=${rank}`)
  if (maxNdim !== undefined && rank > maxNdim) fail(`expected max_ndim=${maxNdim}, found ndim=${rank}`)
  if (axes) {
    for (const [k, v] of Object.entries(axes)) {
      const a = Number(k)
      const d = shape[a < 0 ? rank + a : a]
      if (v !== null && d !== undefined && d !== null && d !== v) fail(`expected axis ${a} of input shape to have value ${v}, but received input with shape ${fmt(shape)}`)
    }
  }
  if (want) {
    if (want.length !== rank) fail(`expected shape=${fmt(want)}, found shape=${fmt(shape)}`)
    want.forEach((w, i) => {
      const d = shape[i]
      if (w !== null && d !== null && d !== w) fail(`expected shape=${fmt(want)}, found shape=${fmt(shape)}`)
    })
  }
}
