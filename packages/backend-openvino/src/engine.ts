/**
 * @file The lazy engine of the OpenVINO backend: eager `run` calls append to a pending graph; a read
 * (or the size threshold) lowers its live part to ONNX with `@kx/backend-onnx`'s lowering, compiles it
 * with OpenVINO once per structure (LRU cache) and runs it. Materialized values are kx host arrays.
 */
import {
  REFERENCE_IMPLS, UnsupportedOpError, InvalidArgumentError, itemsize, roundBFloat16, roundFloat16, fmt,
  type AbstractValue, type BackendPrim, type BackendPrimParams, type DType, type OutputSpec, type RefImpl, type TypedArray,
} from '@kx/core'
import { encodeModel, loweringError, lowerProgram, type Program, type ProgramEquation } from '@kx/backend-onnx'
import { OpenVINOError } from './runtime/capi.js'
import type { OvModel, OvRuntime } from './runtime/model.js'

interface PendingNode {
  readonly prim: BackendPrim
  readonly params: unknown
  readonly inputs: readonly Handle[]
  readonly outputs: readonly Handle[]
}

/** A data id of the OpenVINO backend: host values, or a pending node's output. */
export class Handle {
  value: TypedArray | undefined
  node: PendingNode | undefined
  disposed = false
  uses = 0
  splat: number | undefined
  error: unknown
  constructor(readonly shape: readonly number[], readonly dtype: DType) {}
  get bytes(): number { return this.shape.reduce((a, d) => a * d, 1) * itemsize(this.dtype) }
}

/** Engine settings (see `OpenVINOBackendOptions`). */
export interface EngineOptions {
  readonly maxPendingOps: number
  readonly cacheSize: number
  readonly hostFallback: boolean
  readonly opset: number
  readonly exactNaN: boolean
}

/** Statistics of the lazy engine. */
export interface EngineStats {
  /** Pending graphs run. */
  flushes: number
  /** OpenVINO models compiled for pending graphs. */
  modelsCompiled: number
  /** Pending graphs that reused a compiled model. */
  cacheHits: number
  /** Calls run on the host (host-only primitives, zero-size tensors, random streams). */
  hostFallbacks: number
}

/** Stable text of primitive parameters (keys sorted). */
export function paramsKey(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(paramsKey).join(',')}]`
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${k}:${paramsKey((v as Record<string, unknown>)[k])}`).join(',')}}`
  }
  return typeof v === 'number' && Object.is(v, -0) ? '-0' : String(v)
}

/** Primitives always run on the host (bit-exact random streams: OpenVINO's uint32 arithmetic saturates). */
export const HOST_PRIMS: ReadonlySet<string> = new Set(['random_bits', 'random_uniform'])

const avalKey = (a: AbstractValue): string => `${a.dtype}[${a.shape.join(',')}]`

function isSplat(v: TypedArray): boolean {
  const a = v[0] as number
  for (let i = 1; i < v.length; i++) if (!Object.is(v[i], a)) return false
  return true
}

/**
 * Compiles a program with OpenVINO. When OpenVINO refuses the whole program, each equation is tried
 * alone so the error names the primitive (`UnsupportedOpError`).
 */
export function compileProgram(rt: OvRuntime, program: Program, opts: { opset: number; exactNaN: boolean }, probe: Map<string, string | null>): OvModel {
  const { model } = lowerProgram(program, { opset: opts.opset, exactNaN: opts.exactNaN })
  try {
    return rt.compile(encodeModel(model))
  } catch (e) {
    if (!(e instanceof OpenVINOError)) throw e
    const avals = new Map<number, AbstractValue>()
    for (const i of program.inputs) avals.set(i.id, i.aval)
    for (const c of program.constants) avals.set(c.id, c.aval)
    for (const eq of program.equations) for (const o of eq.outputs) avals.set(o.id, o.aval)
    for (const eq of program.equations) {
      const ins = eq.inputs.map((id) => avals.get(id)!)
      const key = `${eq.prim}|${paramsKey(eq.params)}|${ins.map(avalKey).join(';')}`
      let why = probe.get(key)
      if (why === undefined) {
        why = null
        try {
          const single: Program = {
            inputs: ins.map((aval, i) => ({ id: i, aval })), constants: [],
            equations: [{ ...eq, inputs: ins.map((_, i) => i), outputs: eq.outputs.map((o, j) => ({ id: ins.length + j, aval: o.aval })) }],
            outputs: eq.outputs.map((_, j) => ({ id: ins.length + j })),
          }
          rt.compile(encodeModel(lowerProgram(single, { opset: opts.opset, exactNaN: opts.exactNaN }).model)).dispose()
        } catch (e2) { why = e2 instanceof Error ? e2.message : String(e2) }
        probe.set(key, why)
      }
      if (why !== null) {
        throw new UnsupportedOpError(`The OpenVINO backend cannot run primitive \`${eq.prim}\`: OpenVINO refused its ONNX lowering. Received: inputs=${fmt(ins.map(avalKey))}, params=${paramsKey(eq.params)}. ${why}`)
      }
    }
    throw e
  }
}

interface CacheEntry { readonly model: OvModel; readonly outputs: readonly AbstractValue[] }

export class OvEngine {
  private pending: PendingNode[] = []
  private readonly models = new Map<string, CacheEntry>()
  private readonly lowerable = new Map<string, UnsupportedOpError | null>()
  readonly probe = new Map<string, string | null>()
  numTensors = 0
  numBytes = 0
  readonly stats: EngineStats = { flushes: 0, modelsCompiled: 0, cacheHits: 0, hostFallbacks: 0 }

  constructor(readonly rt: OvRuntime, readonly options: EngineOptions, readonly unsupported: ReadonlyMap<string, string>) {}

  materialized(value: TypedArray, shape: readonly number[], dtype: DType): Handle {
    const h = new Handle(shape, dtype)
    h.value = value
    this.numTensors++
    this.numBytes += h.bytes
    return h
  }

  upload(values: TypedArray, shape: readonly number[], dtype: DType): Handle {
    const copy = (values as Float64Array).slice() as TypedArray
    if (dtype === 'float16') for (let i = 0; i < copy.length; i++) copy[i] = roundFloat16(copy[i] as number)
    else if (dtype === 'bfloat16') for (let i = 0; i < copy.length; i++) copy[i] = roundBFloat16(copy[i] as number)
    const h = this.materialized(copy, shape, dtype)
    if (copy.length > 1 && isSplat(copy)) h.splat = copy[0] as number
    return h
  }

  dispose(h: Handle): void {
    if (h.disposed) return
    h.disposed = true
    this.numTensors--
    this.numBytes -= h.bytes
    if (!h.node && h.uses === 0) h.value = undefined
  }

  /** Why a call cannot run in an OpenVINO graph (null when it can). */
  whyNot(prim: BackendPrim, inputs: readonly AbstractValue[], params: unknown, outputs: readonly AbstractValue[]): UnsupportedOpError | null {
    const known = this.unsupported.get(prim)
    if (known) return new UnsupportedOpError(`The OpenVINO backend cannot run primitive \`${prim}\`: ${known}. Received: inputs=${fmt(inputs.map(avalKey))}`)
    const key = `${prim}|${paramsKey(params)}|${inputs.map(avalKey).join(';')}`
    let why = this.lowerable.get(key)
    if (why === undefined) {
      const e = loweringError(prim, inputs, params, outputs, this.options.opset)
      why = e ? new UnsupportedOpError(`The OpenVINO backend cannot run primitive \`${prim}\` (no ONNX lowering): ${e.message}`) : null
      this.lowerable.set(key, why)
    }
    return why
  }

  run<P extends BackendPrim>(prim: P, inputs: readonly Handle[], params: BackendPrimParams[P], outputs: readonly OutputSpec[]): Handle[] {
    for (const h of inputs) if (h.disposed && !h.node && !h.value) throw new InvalidArgumentError(`OpenVINO backend: primitive \`${prim}\` got a disposed input.`)
    // NOTE: OpenVINO's CPU plugin may crash on zero-size tensors (such calls are empty work), and its uint32
    // arithmetic does not wrap, which the counter-based generator needs: both run on the host.
    if (HOST_PRIMS.has(prim) || ((inputs.some((h) => h.shape.includes(0)) || outputs.some((o) => o.shape.includes(0))) && REFERENCE_IMPLS[prim])) {
      return this.runOnHost(prim, inputs, params, outputs)
    }
    const why = this.whyNot(prim, inputs, params, outputs)
    if (why) {
      if (!this.options.hostFallback) throw why
      return this.runOnHost(prim, inputs, params, outputs)
    }
    const outs = outputs.map((s) => new Handle(s.shape, s.dtype))
    const node: PendingNode = { prim, params, inputs, outputs: outs }
    for (const h of inputs) h.uses++
    for (const h of outs) { h.node = node; this.numTensors++; this.numBytes += h.bytes }
    this.pending.push(node)
    if (this.pending.length >= this.options.maxPendingOps) this.flush()
    return outs
  }

  private runOnHost<P extends BackendPrim>(prim: P, inputs: readonly Handle[], params: BackendPrimParams[P], outputs: readonly OutputSpec[]): Handle[] {
    this.stats.hostFallbacks++
    const refs = inputs.map((h) => ({ values: this.valueOf(h), shape: h.shape, dtype: h.dtype }))
    const results = (REFERENCE_IMPLS[prim] as RefImpl<P>)(refs, params, outputs)
    return results.map((v, i) => this.upload(v, outputs[i]!.shape, outputs[i]!.dtype))
  }

  /** Host values of a handle (shared, do not mutate), running the pending graph first if needed. */
  valueOf(h: Handle): TypedArray {
    if (h.node) this.flush()
    if (h.error) throw h.error
    if (!h.value) throw new InvalidArgumentError(`OpenVINO backend: the tensor was disposed. Received: shape=${fmt(h.shape)}, dtype=${h.dtype}`)
    return h.value
  }

  /** A fresh copy of a handle's host values. */
  readHost(h: Handle): TypedArray { return (this.valueOf(h) as Float64Array).slice() as TypedArray }

  get pendingOps(): number { return this.pending.length }

  /** Compiles (or reuses) and runs the live part of the pending graph. */
  flush(): void {
    if (this.pending.length === 0) return
    const nodes = this.pending
    this.pending = []
    const needed = new Set<PendingNode>()
    for (let i = nodes.length - 1; i >= 0; i--) {
      const n = nodes[i]!
      if (needed.has(n) || n.outputs.some((h) => !h.disposed)) {
        needed.add(n)
        for (const inp of n.inputs) if (inp.node) needed.add(inp.node)
      }
    }
    const ordered = nodes.filter((n) => needed.has(n))
    const release = (): void => {
      for (const n of nodes) for (const h of n.inputs) { h.uses--; if (h.disposed && h.uses === 0 && !h.node) h.value = undefined }
      for (const n of nodes) for (const h of n.outputs) { h.node = undefined; if (h.disposed && h.uses === 0) h.value = undefined }
    }
    if (ordered.length === 0) { release(); return }
    this.stats.flushes++
    const ids = new Map<Handle, number>()
    const inputs: Handle[] = []
    const splats: Handle[] = []
    const equations: ProgramEquation[] = []
    const keyParts: string[] = []
    const idOf = (h: Handle): number => {
      let id = ids.get(h)
      if (id === undefined) {
        id = ids.size
        ids.set(h, id)
        // NOTE: uploads of one repeated value become graph constants (the key carries the value).
        if (h.splat !== undefined) { splats.push(h); keyParts.push(`s${avalKey(h)}=${h.splat}`) }
        else { inputs.push(h); keyParts.push(`i${avalKey(h)}`) }
      }
      return id
    }
    // NOTE: OpenVINO's ONNX Pad reads its pad value only when it is a constant: a fed scalar pad value
    // becomes a graph constant (the key carries it).
    for (const n of ordered) {
      const v = n.prim === 'pad' ? n.inputs[1] : undefined
      if (v && !v.node && v.splat === undefined && v.value && v.value.length === 1 && !ids.has(v)) v.splat = v.value[0] as number
    }
    for (const n of ordered) {
      const ins = n.inputs.map(idOf)
      const outs = n.outputs.map((h) => { const id = ids.size; ids.set(h, id); return { id, aval: { shape: h.shape, dtype: h.dtype } } })
      equations.push({ prim: n.prim, params: n.params, inputs: ins, outputs: outs })
      keyParts.push(`${n.prim}${paramsKey(n.params)}(${ins.join(',')})${outs.map((o) => avalKey(o.aval)).join(',')}`)
    }
    const live = ordered.flatMap((n) => n.outputs.filter((h) => !h.disposed))
    keyParts.push(`out(${live.map((h) => ids.get(h)).join(',')})`)
    try {
      const key = keyParts.join(';')
      let entry = this.models.get(key)
      if (entry) {
        this.stats.cacheHits++
        this.models.delete(key)
      } else {
        const program: Program = {
          inputs: inputs.map((h) => ({ id: ids.get(h)!, aval: { shape: h.shape, dtype: h.dtype } })),
          constants: splats.map((h) => ({ id: ids.get(h)!, aval: { shape: h.shape, dtype: h.dtype }, values: this.valueOf(h) })),
          equations,
          outputs: live.map((h) => ({ id: ids.get(h)! })),
        }
        entry = { model: compileProgram(this.rt, program, this.options, this.probe), outputs: live.map((h) => ({ shape: h.shape, dtype: h.dtype })) }
        this.stats.modelsCompiled++
        if (this.models.size >= this.options.cacheSize) {
          const oldest = this.models.keys().next().value!
          this.models.get(oldest)!.model.dispose()
          this.models.delete(oldest)
        }
      }
      this.models.set(key, entry)
      const results = entry.model.run(inputs.map((h) => ({ values: this.valueOf(h), shape: h.shape, dtype: h.dtype })), entry.outputs)
      live.forEach((h, i) => { h.value = results[i] })
    } catch (e) {
      for (const h of live) h.error = e
      release()
      throw e
    }
    release()
  }

  /** A new handle sharing `h`'s values (materializes it first). */
  alias(h: Handle): Handle { return this.materialized(this.valueOf(h), h.shape, h.dtype) }

  close(): void {
    for (const e of this.models.values()) e.model.dispose()
    this.models.clear()
    this.pending = []
  }
}
