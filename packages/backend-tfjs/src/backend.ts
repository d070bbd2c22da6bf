/**
 * @file `createTfjsBackend`: the kx Backend on tfjs-core's cpu or wasm engine. Kernels are called
 * directly on the engine's backend instance (no global `tf.setBackend` switching), and every kx tensor
 * is a tfjs Tensor registered with tfjs's engine under its owning backend, so `tf.memory()` counts it.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { KernelBackend, Tensor as TfTensor, TensorInfo } from '@tensorflow/tfjs-core'
import {
  BackendMissingError, DTypeError, REFERENCE_IMPLS, fmt, roundBFloat16, roundFloat16,
  type Backend, type BackendPrim, type BackendPrimParams, type BackendTensor, type DType, type FusedOp, type FusedParams, type OutputSpec, type TypedArray,
} from '@kx/core'
import { KernelContext, tfDtype, type HostMemory, type TfDType, type TfjsEngineTraits, type TfjsKernelContext } from './context.js'
import { TFJS_PRIM_RULES } from './mapping.js'
import { TFJS_FUSED_RULES, type TfjsFusedRule } from './fused.js'
import type { TfjsRuleTable } from './rules/types.js'
import { cast, reshape, sameShape } from './helpers.js'
import { locateWasmFiles } from './wasm-path.js'

/** The tfjs engines this package runs on. */
export type TfjsEngineName = 'cpu' | 'wasm'

/** Options of `createTfjsBackend`. */
export interface TfjsBackendOptions {
  /** `'wasm'` (XNNPACK kernels, the fast one) or `'cpu'` (plain JS). */
  readonly engine: TfjsEngineName
  /**
   * Where tfjs-backend-wasm's `.wasm` binaries are (a folder URL/path ending in `/`, or a map from file
   * name to URL), as `setWasmPaths` takes them. Default: the package's own folder in Node; in browsers,
   * tfjs's default (next to the script), which bundlers usually break — pass it there.
   */
  readonly wasmPaths?: string | Readonly<Record<string, string>>
  /** Number of XNNPACK threads (wasm in browsers with cross-origin isolation only). */
  readonly threads?: number
  /** Backend name; default `tfjs-<engine>`. */
  readonly name?: string
  /** Override engine traits (benchmarks and tests of the compositions). */
  readonly traits?: Partial<TfjsEngineTraits>
}

/** What a tfjs-backed kx backend exposes beyond `Backend`. */
export interface TfjsBackend extends Backend {
  /** The tfjs engine: `'cpu'` or `'wasm'`. */
  readonly engine: TfjsEngineName
  /** The tfjs `KernelBackend` instance (shared with tfjs's own registry). */
  readonly tfBackend: KernelBackend
  /** Bytes of the wasm heap (grows, never shrinks); 0 on cpu. */
  wasmHeapBytes(): number
  /** Live tfjs data buffers of the engine (kx's and any tfjs user's). */
  numDataIds(): number
}

interface EngineInternals {
  registry: Record<string, KernelBackend>
  registryFactory: Record<string, { factory: () => KernelBackend | Promise<KernelBackend>; priority: number }>
}

const pending = new Map<TfjsEngineName, Promise<KernelBackend>>()

/**
 * The engine's tfjs backend instance, created once per process and pinned in tfjs's registry so that
 * `tf.setBackend(engine)` and kx share it. One instance matters on wasm: its kernels bind their
 * functions to one module at setup, so a second module would have them read the wrong heap.
 */
function sharedTfBackend(engine: TfjsEngineName, options: TfjsBackendOptions): Promise<KernelBackend> {
  let p = pending.get(engine)
  if (!p) {
    p = (async () => {
      if (engine === 'wasm') {
        const wasm = await import('@tensorflow/tfjs-backend-wasm')
        const eng = tf.engine() as unknown as EngineInternals
        if (!eng.registry['wasm']) {
          const paths = options.wasmPaths ?? await locateWasmFiles()
          if (paths !== undefined) wasm.setWasmPaths(paths as string)
          if (options.threads !== undefined) wasm.setThreadsCount(options.threads)
        }
      } else {
        await import('@tensorflow/tfjs-backend-cpu')
      }
      const eng = tf.engine() as unknown as EngineInternals
      let backend = eng.registry[engine]
      if (!backend) {
        const entry = eng.registryFactory[engine]
        if (!entry) throw new BackendMissingError(`tfjs has no "${engine}" backend registered.`)
        backend = await entry.factory()
        eng.registry[engine] = backend
        const made = backend
        eng.registryFactory[engine] = { factory: () => made, priority: entry.priority }
      }
      // Kernels with a setup step (all of wasm's) bind to this instance; tfjs does it only in setBackend.
      for (const k of tf.getKernelsForBackend(engine)) k.setupFunc?.(backend)
      return backend
    })()
    p.catch(() => pending.delete(engine))
    pending.set(engine, p)
  }
  return p
}

/** wasm kernels that disagree with kx's semantics; see `TfjsEngineTraits.missingKernels`. */
const WASM_BROKEN: ReadonlySet<string> = new Set(['MaxPoolGrad'])

const DTYPES: ReadonlySet<DType> = new Set<DType>(['float32', 'int32', 'bool'])
const DTYPES_NARROW: ReadonlySet<DType> = new Set<DType>(['float32', 'int32', 'bool', 'float16', 'bfloat16'])
/** Primitives whose float outputs are (copies of) input values or exact functions of them, so outputs of
 * already-rounded float16/bfloat16 inputs need no rounding again. */
const VALUE_PRESERVING: ReadonlySet<BackendPrim> = new Set<BackendPrim>([
  'reshape', 'transpose', 'broadcast_in_dim', 'slice', 'dynamic_slice', 'dynamic_update_slice', 'pad', 'concatenate', 'rev',
  'gather', 'scatter', 'select_n', 'neg', 'abs', 'sign', 'floor', 'ceil', 'round', 'max', 'min', 'reduce_max', 'reduce_min',
  'cummax', 'cummin', 'stop_gradient', 'sort', 'top_k',
])

/**
 * Rounds float32 storage to a narrower float's values (round to nearest even): how a backend that stores
 * float16/bfloat16 as float32 keeps their numerics — every op computes in float32 and rounds its outputs,
 * as the reference backend does.
 */
export type NarrowFloatRounding = (ctx: TfjsKernelContext, x: TensorInfo, dtype: 'float16' | 'bfloat16') => TensorInfo

const isNarrow = (d: DType): d is 'float16' | 'bfloat16' => d === 'float16' || d === 'bfloat16'
const FUSED: ReadonlySet<FusedOp> = new Set(Object.keys(TFJS_FUSED_RULES) as FusedOp[])

/**
 * Creates a kx backend on tfjs-core's `wasm` or `cpu` engine (names `tfjs-wasm`, `tfjs-cpu`). Both may
 * be used in one process; tensors carry their backend. Dtypes: float32, int32, bool.
 *
 * @example
 * ```ts
 * import { registerBackend, setBackend } from '@kx/core'
 * import { createTfjsBackend } from '@kx/backend-tfjs'
 * registerBackend('tfjs-wasm', () => createTfjsBackend({ engine: 'wasm' }), { priority: 2 })
 * await setBackend('tfjs-wasm')
 * ```
 */
export async function createTfjsBackend(options: TfjsBackendOptions): Promise<TfjsBackend> {
  const engine = options.engine
  if (engine !== 'wasm' && engine !== 'cpu') throw new BackendMissingError(`Unknown tfjs engine. Expected "wasm" or "cpu". Received: engine=${fmt(engine)}`)
  const tfBackend = await sharedTfBackend(engine, options)
  const traits: TfjsEngineTraits = {
    hostMemory: hostMemoryOf(engine, tfBackend),
    explicitMatmulTranspose: engine === 'wasm',
    hostElementwise: engine === 'wasm',
    convRhs: 'auto',
    syncRead: true,
    hostImpls: REFERENCE_IMPLS,
    missingKernels: engine === 'wasm' ? WASM_BROKEN : new Set(),
    quirks: engine === 'wasm'
      ? { matmulWeightCache: true, minMaxDropsNaN: true, signDropsNaN: true }
      : { scatterUpdateInPlace: true, signDropsNaN: true, intMulInexact: true },
    ...options.traits,
  }
  return makeBackend(options.name ?? `tfjs-${engine}`, engine, tfBackend, traits)
}

const CTOR = { float32: Float32Array, int32: Int32Array, bool: Uint8Array } as const

/** JS views of engine buffers: tfjs-cpu keeps typed arrays; tfjs-wasm's live in its heap. */
function hostMemoryOf(engine: TfjsEngineName, tfBackend: KernelBackend): HostMemory {
  if (engine === 'wasm') {
    const wasm = tfBackend as unknown as { makeOutput(shape: number[], dtype: string): TensorInfo; typedArrayFromHeap(t: TensorInfo): TypedArray }
    return {
      view: (t) => wasm.typedArrayFromHeap(t),
      alloc: (shape, dtype) => {
        const info = wasm.makeOutput(shape.slice(), dtype)
        return { info, values: wasm.typedArrayFromHeap(info) }
      },
    }
  }
  return {
    view: (t) => tfBackend.readSync(t.dataId) as TypedArray,
    alloc: (shape, dtype) => {
      const values = new CTOR[dtype](shape.reduce((a, b) => a * b, 1))
      return { info: { dataId: tfBackend.write(values, shape.slice(), dtype), shape: shape.slice(), dtype }, values }
    },
  }
}

/** Options of `wrapTfjsBackend`. */
export interface WrapTfjsBackendOptions {
  /** kx backend name. */
  readonly name: string
  /** tfjs backend name whose registered kernels are called (`'cpu'`, `'wasm'`, `'webgpu'`). */
  readonly tfBackendName: string
  /** An initialised tfjs backend instance of that name. */
  readonly tfBackend: KernelBackend
  readonly traits: TfjsEngineTraits
  /** Rules replacing `TFJS_PRIM_RULES` entries on this engine (kernels of its own, e.g. WGSL programs). */
  readonly rules?: Partial<TfjsRuleTable>
  /** Fused rules added to (or replacing) `TFJS_FUSED_RULES`; every key is declared in `capabilities.fused`. */
  readonly fusedRules?: { readonly [F in FusedOp]?: TfjsFusedRule<F> }
  /** Declares float16 and bfloat16, stored as float32 and rounded by this function after every op that
   * makes new values (memory is that of float32). Absent: float32, int32 and bool only. */
  readonly narrowFloats?: NarrowFloatRounding
}

/**
 * Wraps an initialised tfjs `KernelBackend` as a kx Backend running `TFJS_PRIM_RULES` and
 * `TFJS_FUSED_RULES` on it: arena-freed intermediates, outputs registered with tfjs's engine (so
 * `tf.memory()` counts them), sync reads when `traits.syncRead`. `createTfjsBackend` uses it for cpu
 * and wasm; `@kx/backend-webgpu` can use it for tfjs's webgpu engine.
 *
 * @example
 * ```ts
 * const kx = wrapTfjsBackend({ name: 'webgpu', tfBackendName: 'webgpu', tfBackend: tf.findBackend('webgpu')!,
 *   traits: { explicitMatmulTranspose: false, syncRead: false } })
 * ```
 */
export function wrapTfjsBackend(o: WrapTfjsBackendOptions): Backend & { numDataIds(): number } {
  return makeBackend(o.name, o.tfBackendName, o.tfBackend, o.traits, o.rules, o.fusedRules, o.narrowFloats)
}

function makeBackend(
  name: string, engine: string, tfBackend: KernelBackend, traits: TfjsEngineTraits,
  ruleOverrides?: Partial<TfjsRuleTable>, fusedOverrides?: { readonly [F in FusedOp]?: TfjsFusedRule<F> },
  narrowFloats?: NarrowFloatRounding,
): TfjsBackend {
  const dtypes = narrowFloats ? DTYPES_NARROW : DTYPES
  const ctx = new KernelContext(tfBackend, engine, traits)
  const rules: TfjsRuleTable = ruleOverrides ? { ...TFJS_PRIM_RULES, ...ruleOverrides } as TfjsRuleTable : TFJS_PRIM_RULES
  const fusedRules: { readonly [F in FusedOp]?: TfjsFusedRule<F> } = fusedOverrides ? { ...TFJS_FUSED_RULES, ...fusedOverrides } : TFJS_FUSED_RULES
  const fused: ReadonlySet<FusedOp> = fusedOverrides ? new Set(Object.keys(fusedRules) as FusedOp[]) : FUSED
  const eng = tf.engine()
  let numTensors = 0
  let numBytes = 0
  const bytesOf = (t: TensorInfo): number => t.shape.reduce((a, b) => a * b, 1) * (t.dtype === 'bool' ? 1 : 4)

  /** Hands a kernel output to tfjs's engine (tracked under this backend) and counts it. */
  const own = (info: TensorInfo): TfTensor => {
    const t = eng.makeTensorFromTensorInfo(info, tfBackend)
    // NOTE: kx scopes own disposal; keep tfjs's own tidy() scopes from freeing kx tensors.
    ;(t as unknown as { kept: boolean }).kept = true
    numTensors++
    numBytes += bytesOf(info)
    return t
  }
  /** Makes kernel outputs match the specs (dtype, rounding of narrow floats, then shape), in the same arena
   * (in place). `rounds`: whether the op can make values a narrow float can't hold. */
  const conform = (outs: TensorInfo[], specs: readonly OutputSpec[], rounds: boolean): TensorInfo[] => {
    for (let i = 0; i < specs.length; i++) {
      const s = specs[i]!
      let t = outs[i]!
      const dt = tfDtype(s.dtype)
      if (t.dtype !== dt) t = cast(ctx, t, dt)
      if (narrowFloats && rounds && isNarrow(s.dtype)) t = narrowFloats(ctx, t, s.dtype)
      if (!sameShape(t.shape, s.shape)) t = reshape(ctx, t, s.shape)
      outs[i] = t
    }
    return outs
  }
  /** Ends a rule's call: conforms its outputs, frees its intermediates, hands the outputs to tfjs. */
  const finish = (mark: number, r: TensorInfo[] | null, specs: readonly OutputSpec[], rounds = true): unknown[] | null => {
    let outs: TensorInfo[]
    try {
      if (r === null) { ctx.end(mark, []); return null }
      outs = ctx.end(mark, conform(r, specs, rounds))
    } catch (e) {
      ctx.abort(mark)
      throw e
    }
    const ids = new Array<unknown>(outs.length)
    for (let i = 0; i < outs.length; i++) ids[i] = own(outs[i]!)
    return ids
  }
  const infosOf = (inputs: readonly BackendTensor[]): TfTensor[] => {
    const infos = new Array<TfTensor>(inputs.length)
    for (let i = 0; i < inputs.length; i++) infos[i] = inputs[i]!.dataId as TfTensor
    return infos
  }
  const readValues = (t: BackendTensor): TypedArray => {
    const values = tfBackend.readSync((t.dataId as TfTensor).dataId) as TypedArray
    const Ctor = CTOR[tfDtype(t.dtype)]
    // NOTE: tfjs-cpu's Cast relabels int32/bool storage as float32 without converting it.
    if (!(values instanceof Ctor)) return new Ctor(values as ArrayLike<number>)
    // cpu returns its own storage; wasm returns a copy of the heap bytes.
    return engine === 'cpu' ? values.slice() : values
  }

  const backend: TfjsBackend = {
    name,
    engine: engine as TfjsEngineName,
    tfBackend,
    capabilities: { dtypes, syncRead: traits.syncRead, training: true, fused, compilesGraphs: false },
    upload(values, shape, dtype) {
      if (!dtypes.has(dtype)) {
        throw new DTypeError(`Backend "${name}" does not support dtype ${dtype}. Use one it supports (${[...dtypes].join(', ')}) or a backend that has ${dtype}, such as "reference". Received: dtype=${dtype}`)
      }
      const mark = ctx.begin()
      // Narrow floats are rounded on the host, where they come from (as the reference backend does).
      const stored = isNarrow(dtype) ? Float32Array.from(values as Float32Array, dtype === 'float16' ? roundFloat16 : roundBFloat16) : values
      const info = ctx.upload(stored, shape, tfDtype(dtype))
      return ctx.end(mark, [info]).map(own)[0]
    },
    async read(t) {
      if (traits.syncRead) return readValues(t)
      const values = (await tfBackend.read((t.dataId as TfTensor).dataId)) as TypedArray
      const Ctor = CTOR[tfDtype(t.dtype)]
      return values instanceof Ctor ? values.slice() : new Ctor(values as ArrayLike<number>)
    },
    ...(traits.syncRead ? { readSync: readValues } : {}),
    disposeData(dataId) {
      const t = dataId as TfTensor
      numTensors--
      numBytes -= bytesOf(t)
      t.dispose()
    },
    run<P extends BackendPrim>(prim: P, inputs: readonly BackendTensor[], params: BackendPrimParams[P], outputs: readonly OutputSpec[]): unknown[] {
      // NOTE: no closures here: this runs once per eager op.
      const infos = infosOf(inputs)
      const mark = ctx.begin()
      let r: TensorInfo[]
      try { r = rules[prim](ctx, infos, params, outputs) } catch (e) { ctx.abort(mark); throw e }
      return finish(mark, r, outputs, !VALUE_PRESERVING.has(prim))!
    },
    runFused<F extends FusedOp>(op: F, inputs: readonly BackendTensor[], params: FusedParams[F], outputs: readonly OutputSpec[]): unknown[] | null {
      const rule = fusedRules[op]
      if (!rule) return null
      const infos = infosOf(inputs)
      const mark = ctx.begin()
      let r: TensorInfo[] | null
      try { r = rule(ctx, infos, params, outputs) } catch (e) { ctx.abort(mark); throw e }
      return finish(mark, r, outputs)
    },
    memory: () => ({ numTensors, numBytes }),
    wasmHeapBytes: () => (engine === 'wasm' ? ((tfBackend as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length) : 0),
    numDataIds: () => tfBackend.numDataIds(),
  }
  return backend
}

export type { TfDType }
