/** @file The Backend contract: what an engine plugin implements (primitives, memory, reads, capabilities). */
import type { DType, TypedArray } from './dtype.js'
import type { BackendPrim, BackendPrimParams } from './primitives/types.js'
import type { FusedOp, FusedParams } from './primitives/fused.js'
import type { Graph } from './trace/ir.js'

/** A tensor as a backend sees it: its data handle plus shape and dtype. */
export interface BackendTensor {
  readonly dataId: unknown
  readonly shape: readonly number[]
  readonly dtype: DType
}

/** A concrete output spec handed to `run`. */
export interface OutputSpec {
  readonly shape: readonly number[]
  readonly dtype: DType
}

/** What a backend declares, so ops and tests ask instead of guessing. */
export interface BackendCapabilities {
  /** Dtypes the engine stores and computes. Others are refused with a typed error. */
  readonly dtypes: ReadonlySet<DType>
  /** `dataSync()` works. */
  readonly syncRead: boolean
  /** Training is supported (all VJP primitives run). */
  readonly training: boolean
  /** Composite ops with a native kernel; ops use their decomposition otherwise. */
  readonly fused: ReadonlySet<FusedOp>
  /** `compile(graph)` is available (graph engines). */
  readonly compilesGraphs: boolean
}

/** A compiled graph: run with `[...graph.inputs, ...graph.variableReads values]`; returns data ids for `[...graph.outputs, ...graph.variableWrites values]`. Constants are the backend's to embed. */
export interface CompiledGraph {
  run(inputs: readonly BackendTensor[]): unknown[] | Promise<unknown[]>
  dispose?(): void
}

/**
 * An engine plugin. Implement the primitives of `BackendPrimParams` and get every op, gradient and
 * layer of kx. Register it with `registerBackend(name, () => createMyBackend())`.
 *
 * @example
 * ```ts
 * registerBackend('mine', async () => createMyBackend(), { priority: 5 })
 * await setBackend('mine')
 * ```
 */
export interface Backend {
  readonly name: string
  readonly capabilities: BackendCapabilities
  /** Copies host values into engine memory; returns the data handle. */
  upload(values: TypedArray, shape: readonly number[], dtype: DType): unknown
  /** Reads a tensor's values (row-major, host storage of its dtype). */
  read(t: BackendTensor): Promise<TypedArray>
  /** Synchronous read; present only when `capabilities.syncRead`. */
  readSync?(t: BackendTensor): TypedArray
  /** Frees a data handle. Called exactly once per handle. */
  disposeData(dataId: unknown, dtype: DType): void
  /** Runs one primitive; returns one data handle per output spec. */
  run<P extends BackendPrim>(prim: P, inputs: readonly BackendTensor[], params: BackendPrimParams[P], outputs: readonly OutputSpec[]): unknown[]
  /** Runs a fused composite declared in `capabilities.fused`; returns null to decline a call it
   * cannot fuse (e.g. a rank it lacks), and the op then runs its decomposition. */
  runFused?<F extends FusedOp>(op: F, inputs: readonly BackendTensor[], params: FusedParams[F], outputs: readonly OutputSpec[]): unknown[] | null
  /** Compiles a traced graph (graph engines only). */
  compile?(graph: Graph): CompiledGraph
  /** Engine-side memory report. */
  memory?(): { readonly numTensors: number; readonly numBytes: number }
  /** Releases the engine. */
  close?(): void | Promise<void>
}
