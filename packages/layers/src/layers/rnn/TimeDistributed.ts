/** @file `TimeDistributed`: applies a layer to every time step of a sequence (Keras `keras.layers.TimeDistributed`). */
import { InvalidArgumentError, KerasTensor, ShapeError, Tensor, fmt, isTracing, type Dim } from '@kx/core'
import { S, getItem, stack } from '@kx/ops-numpy'
import { Layer, type CallOptions, type LayerArgs, type ShapeLike } from '../../engine/Layer.js'
import { Wrapper } from '../core/simple-layers.js'

/** Options of `TimeDistributed`. */
export interface TimeDistributedArgs extends LayerArgs {
  /** The layer applied to each `[batch, ...]` time slice. */
  readonly layer: Layer
}

function childShape(inputShape: ShapeLike): Dim[] {
  const s = inputShape as readonly Dim[]
  if (!Array.isArray(s) || s.length < 3) {
    throw new InvalidArgumentError(`\`TimeDistributed\` Layer should be passed an \`input_shape\` with at least 3 dimensions, received: ${fmt(inputShape)}`)
  }
  return [s[0] ?? null, ...s.slice(2)]
}

/**
 * Applies the wrapped layer to each slice `x[:, t]` of a `[batch, time, ...]` input, with the same
 * weights for every step, and stacks the results along the time axis.
 *
 * When to use: per-step Dense heads or per-frame convolutions over a sequence.
 *
 * @example
 * ```ts
 * const td = new TimeDistributed({ layer: new Dense({ units: 8 }) })
 * td.apply(ops.ones([2, 10, 16])) // [2, 10, 8]
 * ```
 */
export class TimeDistributed extends Wrapper {
  static override readonly className: string = 'TimeDistributed'

  constructor(args: TimeDistributedArgs) {
    if (!(args?.layer instanceof Layer)) {
      throw new InvalidArgumentError(`Please initialize \`TimeDistributed\` layer with a \`keras.layers.Layer\` instance. Received: ${fmt(args?.layer)}`)
    }
    super(args)
    this.supportsMasking = true
  }

  override build(inputShape: ShapeLike): void { super.build(childShape(inputShape)) }

  override call(inputs: unknown, options: CallOptions = {}): unknown {
    const x = inputs as Tensor
    const mask = (options.mask ?? null) as Tensor | null
    if (mask) {
      if (mask.shape.length < 2) {
        throw new ShapeError(`The \`mask\` passed to the \`TimeDistributed\` layer must be at least 2D (e.g., \`(batch_size, timesteps)\`), but it has ${mask.shape.length} dimension(s) with shape ${fmt(mask.shape)}.`)
      }
      const mismatch = (a: Dim | undefined, b: Dim | undefined): boolean => a !== null && a !== undefined && b !== null && b !== undefined && a !== b
      if (mismatch(x.shape[0], mask.shape[0]) || mismatch(x.shape[1], mask.shape[1])) {
        throw new ShapeError(`The \`mask\` passed to the \`TimeDistributed\` layer has a shape ${fmt(mask.shape)} that is incompatible with the input shape ${fmt(x.shape)}.`)
      }
    }
    const T = x.shape[1]
    if (typeof T !== 'number') {
      if (x.isSymbolic && !isTracing()) {
        return new KerasTensor(this.computeOutputShape(x.shape as Dim[]) as Dim[], this.computeDtype)
      }
      throw new ShapeError(`TimeDistributed needs a known number of timesteps inside a trace. Received: inputs.shape=${fmt(x.shape)}`)
    }
    // NOTE: like Keras, the inner layer's `call` runs once per step (no per-step input checks or masks attached).
    const outs: Tensor[] = []
    for (let t = 0; t < T; t++) {
      const opts: CallOptions = {
        ...(options.training !== undefined ? { training: options.training } : {}),
        ...(mask ? { mask: getItem(mask, [S(), t]) } : {}),
      }
      outs.push(this.layer.call(getItem(x, [S(), t]), opts) as Tensor)
    }
    return stack(outs, { axis: 1 })
  }

  override computeOutputShape(inputShape: ShapeLike): unknown {
    const s = inputShape as readonly Dim[]
    const child = this.layer.computeOutputShape(childShape(inputShape)) as Dim[]
    return [child[0] ?? null, s[1] ?? null, ...child.slice(1)]
  }
}
