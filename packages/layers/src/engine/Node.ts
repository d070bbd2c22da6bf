/** @file Node: one call of a layer on symbolic tensors — the edges of a Functional graph. */
import type { KerasTensor, Tensor } from '@kx/core'
import type { Layer } from './Layer.js'

/** Where a KerasTensor came from: (layer, node index, tensor index), Keras's `_keras_history`. */
export interface KerasHistory {
  readonly layer: Layer
  readonly nodeIndex: number
  readonly tensorIndex: number
}

/** A recorded layer call: its (nested) inputs, keyword arguments and flat outputs. */
export class Node {
  readonly layer: Layer
  /** Positional inputs as passed (nested structures of tensors allowed). */
  readonly callArgs: unknown
  /** Extra call options that were tensors or values (e.g. mask), kept for re-execution and configs. */
  readonly callKwargs: Record<string, unknown>
  readonly inputTensors: readonly KerasTensor[]
  readonly outputs: readonly KerasTensor[]
  constructor(layer: Layer, callArgs: unknown, callKwargs: Record<string, unknown>, inputTensors: readonly KerasTensor[], outputs: readonly KerasTensor[]) {
    this.layer = layer
    this.callArgs = callArgs
    this.callKwargs = callKwargs
    this.inputTensors = inputTensors
    this.outputs = outputs
  }
  /** True for the node of an InputLayer. */
  get isInput(): boolean { return this.inputTensors.length === 0 }
  /** The layers feeding this node. */
  parentNodes(): Node[] {
    const out: Node[] = []
    for (const t of this.inputTensors) {
      const h = t.kerasHistory as KerasHistory | undefined
      if (h) out.push(h.layer.inboundNodes[h.nodeIndex]!)
    }
    return out
  }
}

/** @internal Reads a tensor's history, or undefined. */
export function historyOf(t: Tensor): KerasHistory | undefined {
  return t.isSymbolic ? ((t as KerasTensor).kerasHistory as KerasHistory | undefined) : undefined
}
