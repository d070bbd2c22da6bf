/**
 * @file `createWebGPUBackend`: the kx Backend on tfjs-backend-webgpu. Finds an adapter (with a timeout, so a
 * machine without WebGPU fails fast with `BackendMissingError`), probes its features and limits, makes one
 * tfjs `WebGPUBackend` per process, and runs `@kx/backend-tfjs`'s primitive mapping on it.
 */
/// <reference types="@webgpu/types" />
import * as tf from '@tensorflow/tfjs-core'
import type { KernelBackend } from '@tensorflow/tfjs-core'
import { BackendMissingError, Tensor, fmt, tidy, type Backend } from '@kx/core'
import { wrapTfjsBackend, type TfjsRuleTable } from '@kx/backend-tfjs'
import { KX_WEBGPU, registerKxWebGPUKernels } from './kernels.js'
import { randomUniformRule, threefry2x32Rule } from './random.js'
import { erfInvRule } from './special.js'
import { sortRule, topKRule } from './sort.js'
import { qrRule } from './qr.js'
import { choleskyRule, luRule, triangularSolveRule } from './linalg.js'
import { bitwiseReduceRule, bitwiseRule } from './bitwise.js'
import { scanRule } from './scan.js'
import { WEBGPU_FUSED_RULES } from './fused.js'
import { isSoftwareAdapter } from './adapter.js'
import { lazyBroadcasts } from './lazyBroadcast.js'
import { selectAndScatterAddRule } from './pool.js'
import { canonicalElementwise } from './compileShapes.js'
import { registerIntRem, remRule } from './compileIntRem.js'
import { digammaRule, igammaRule, lgammaRule } from './gamma.js'
import { bitcastRule } from './bitcast.js'
import { dotGeneralRule } from './intDot.js'
import { fftRule } from './fft.js'
import { eighRule } from './eigh.js'
import { svdRule } from './svd.js'
import { loadTfjsWebGPU } from './tfjsWebgpu.js'
import { registerNarrowFloat, roundNarrowFloat } from './narrowFloat.js'

/** Primitive rules of this engine replacing backend-tfjs's (host fallbacks that need sync reads). */
const WEBGPU_RULES: Partial<TfjsRuleTable> = {
  random_uniform: randomUniformRule, threefry2x32: threefry2x32Rule, erf_inv: erfInvRule, sort: sortRule, top_k: topKRule, qr: qrRule,
  cholesky: choleskyRule, triangular_solve: triangularSolveRule, lu: luRule,
  reduce_and: bitwiseReduceRule('reduce_and'), reduce_or: bitwiseReduceRule('reduce_or'),
  and: bitwiseRule('and'), or: bitwiseRule('or'), xor: bitwiseRule('xor'), cumsum: scanRule('cumsum'), cumprod: scanRule('cumprod'),
  select_and_scatter_add: selectAndScatterAddRule,
  rem: remRule,
  lgamma: lgammaRule, digamma: digammaRule, igamma: igammaRule, bitcast_convert_type: bitcastRule, dot_general: dotGeneralRule,
  fft: fftRule, eigh: eighRule, svd: svdRule,
}

/** Options of `createWebGPUBackend`. */
export interface WebGPUBackendOptions {
  /** An adapter to use instead of requesting one. */
  readonly adapter?: GPUAdapter
  /** Passed to `requestAdapter` (default `'high-performance'`). */
  readonly powerPreference?: GPUPowerPreference
  /** A device to use (its adapter's features/limits are then unknown: `features` lists the device's). */
  readonly device?: GPUDevice
  /** The `GPU` object (default `navigator.gpu`); in Node, `create([])` from the `webgpu` package. */
  readonly gpu?: GPU
  /** How long to wait for `requestAdapter` / `requestDevice` before giving up (default 10 000 ms). */
  readonly timeoutMs?: number
  /**
   * tfjs's `WEBGPU_CPU_FORWARD` flag (small ops whose inputs are still on the host run on the CPU). Left
   * as tfjs has it when omitted; it is a process-wide tfjs flag.
   */
  readonly cpuForward?: boolean
  /** kx backend name (default `webgpu`). */
  readonly name?: string
}

/** What the adapter offers, probed once when the backend is made. */
export interface WebGPUFeatures {
  /** `shader-f16` is available (WGSL `f16`). */
  readonly shaderF16: boolean
  /** `timestamp-query` is available (kernel timings). */
  readonly timestampQuery: boolean
  /** Every feature name the adapter (or the given device) reports. */
  readonly names: readonly string[]
  /** Limits tfjs relies on. */
  readonly limits: {
    readonly maxBufferSize: number
    readonly maxStorageBufferBindingSize: number
    readonly maxComputeWorkgroupStorageSize: number
    readonly maxComputeInvocationsPerWorkgroup: number
    readonly maxComputeWorkgroupSizeX: number
    readonly maxComputeWorkgroupsPerDimension: number
  }
  /** Adapter vendor / architecture / device / description, where the implementation reports them. */
  readonly adapterInfo: { readonly vendor: string; readonly architecture: string; readonly device: string; readonly description: string }
}

/** GPU memory as tfjs's buffer manager counts it. */
export interface WebGPUMemory {
  readonly numTensors: number
  readonly numBytes: number
  /** Bytes in GPU buffers held by live tensors. */
  readonly gpuBytesUsed: number
  /** Bytes in GPU buffers allocated, including tfjs's pool of free buffers kept for reuse. */
  readonly gpuBytesAllocated: number
}

/** The kx WebGPU backend. */
export interface WebGPUBackend extends Backend {
  /** Adapter features and limits. */
  readonly features: WebGPUFeatures
  /** The device kernels run on. */
  readonly device: GPUDevice
  /** The tfjs `WebGPUBackend` instance (shared with tfjs's registry as `webgpu`). */
  readonly tfBackend: KernelBackend
  memory(): WebGPUMemory
  /** Live tfjs data buffers (kx's and any tfjs user's). */
  numDataIds(): number
  /**
   * Compiles the shaders `run` uses ahead of the first real call, so that call does not stall on shader
   * compilation. By default `run` is executed once (its outputs are disposed) and the queue drained: every
   * pipeline is compiled and first-dispatched. With `compileOnly` the kernels are only compiled, in parallel
   * (tfjs's `WEBGPU_ENGINE_COMPILE_ONLY`), not run: faster where the driver compiles at pipeline creation,
   * but on Mesa lavapipe the real compile still happens at the first dispatch. `run` must not read tensor
   * values (use `model.apply(x)`, not `predict`).
   *
   * @example
   * ```ts
   * const { pipelines, ms } = await backend.warmup(() => model.apply(zeros([1, 28, 28, 1])))
   * ```
   */
  warmup(run: () => unknown, options?: { readonly compileOnly?: boolean }): Promise<WebGPUWarmup>
}

/** What `warmup` compiled. */
export interface WebGPUWarmup {
  /** Shader pipelines compiled by this call (already cached ones excluded). */
  readonly pipelines: number
  /** Wall time of the call, in ms. */
  readonly ms: number
}

interface EngineInternals {
  registry: Record<string, KernelBackend>
  registryFactory: Record<string, { factory: () => KernelBackend | Promise<KernelBackend>; priority: number }>
}

interface TfWebGPU extends KernelBackend {
  device: GPUDevice
  memory(): { unreliable: boolean; numBytesInGPU: number; numBytesAllocatedInGPU: number }
  pipelineCache: Record<string, unknown>
  checkCompileCompletionAsync(): Promise<void>
  ensureCommandEncoderReady(): void
  endComputePassEncoder(): void
  submitQueue(): void
}

/** Disposes every kx tensor in a returned value (arrays and plain objects walked). */
function disposeAll(v: unknown): void {
  if (v instanceof Tensor) v.dispose()
  else if (Array.isArray(v)) v.forEach(disposeAll)
  else if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) Object.values(v).forEach(disposeAll)
}

interface Shared { tfBackend: TfWebGPU; features: WebGPUFeatures; device: GPUDevice }

let shared: Promise<Shared> | undefined

const HELP = 'In browsers, use one with WebGPU enabled. In Node, install `webgpu` (Dawn) and run '
  + '`import { create, globals } from \'webgpu\'; Object.assign(globalThis, globals); globalThis.navigator = { gpu: create([]) }` '
  + 'before creating the backend; on GPU-less Linux, Mesa ≥ 24 lavapipe (mesa-vulkan-drivers) provides a software adapter.'

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BackendMissingError(`WebGPU ${what} did not answer within ${ms} ms. ${HELP} Received: timeoutMs=${ms}`)), ms)
  })
  return Promise.race([p, t]).finally(() => clearTimeout(timer))
}

const LIMIT_NAMES = ['maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize',
  'maxBufferSize', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup'] as const

async function makeShared(o: WebGPUBackendOptions): Promise<Shared> {
  const timeoutMs = o.timeoutMs ?? 10_000
  let device = o.device
  let source: { features: GPUSupportedFeatures; limits: GPUSupportedLimits }
  let info: Partial<GPUAdapterInfo> = {}
  if (device) {
    source = device
    info = (device as unknown as { adapterInfo?: GPUAdapterInfo }).adapterInfo ?? {}
  } else {
    let adapter = o.adapter ?? null
    if (!adapter) {
      const gpu = o.gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu
      if (!gpu) throw new BackendMissingError(`WebGPU is not available: navigator.gpu is undefined. ${HELP} Received: navigator.gpu=undefined`)
      adapter = await withTimeout(gpu.requestAdapter({ powerPreference: o.powerPreference ?? 'high-performance' }), timeoutMs, 'requestAdapter()')
      if (!adapter) throw new BackendMissingError(`WebGPU found no adapter (requestAdapter() returned null). ${HELP} Received: powerPreference=${fmt(o.powerPreference ?? 'high-performance')}`)
    }
    source = adapter
    info = adapter.info ?? {}
    // NOTE: the same features and limits tfjs-backend-webgpu's own factory requests.
    const requiredFeatures: GPUFeatureName[] = []
    for (const f of ['timestamp-query', 'bgra8unorm-storage', 'shader-f16'] as const) if (adapter.features.has(f)) requiredFeatures.push(f)
    const requiredLimits: Record<string, number> = {}
    for (const k of LIMIT_NAMES) requiredLimits[k] = adapter.limits[k]
    device = await withTimeout(adapter.requestDevice({ requiredFeatures, requiredLimits }), timeoutMs, 'requestDevice()')
  }
  const features: WebGPUFeatures = {
    shaderF16: source.features.has('shader-f16'),
    timestampQuery: source.features.has('timestamp-query'),
    names: [...source.features].map(String).sort(),
    limits: Object.fromEntries(LIMIT_NAMES.map((k) => [k, source.limits[k]])) as unknown as WebGPUFeatures['limits'],
    adapterInfo: { vendor: info.vendor ?? '', architecture: info.architecture ?? '', device: info.device ?? '', description: info.description ?? '' },
  }
  // tfjs-backend-webgpu checks navigator.gpu when it is imported: load it only once an adapter exists.
  const { WebGPUBackend: TfWebGPUBackend, webgpu_util } = await loadTfjsWebGPU()
  const tfBackend = new TfWebGPUBackend(device, info as GPUAdapterInfo) as unknown as TfWebGPU
  const eng = tf.engine() as unknown as EngineInternals
  // NOTE: the software-adapter kernels load only on such adapters: a page on a hardware GPU never downloads them.
  registerKxWebGPUKernels(webgpu_util, isSoftwareAdapter(features.adapterInfo) ? await import('./software.js') : undefined)
  registerIntRem(webgpu_util)
  registerNarrowFloat(webgpu_util)
  // Pin the instance in tfjs's registry so `tf.setBackend('webgpu')` and kx share one device and buffer pool.
  eng.registry['webgpu'] = tfBackend
  eng.registryFactory['webgpu'] = { factory: () => tfBackend, priority: eng.registryFactory['webgpu']?.priority ?? 3 }
  return { tfBackend, features, device }
}

/**
 * Creates the kx backend `webgpu` on tfjs-backend-webgpu: every primitive through `@kx/backend-tfjs`'s
 * mapping, reads asynchronous only (`await t.data()`), `memory()` with the GPU bytes tfjs holds. The tfjs
 * engine and device are made once per process (the first call's options choose them). Rejects with
 * `BackendMissingError` when there is no WebGPU, no adapter, or the adapter does not answer in time.
 *
 * @example
 * ```ts
 * import { registerBackend, setBackend } from '@kx/core'
 * import { createWebGPUBackend } from '@kx/backend-webgpu'
 * registerBackend('webgpu', () => createWebGPUBackend({ powerPreference: 'high-performance' }), { priority: 3 })
 * const backend = await setBackend('webgpu')
 * ```
 */
export async function createWebGPUBackend(options: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
  if (!shared) {
    shared = makeShared(options)
    shared.catch(() => { shared = undefined })
  }
  const { tfBackend, features, device } = await shared
  // The flag exists once tfjs-backend-webgpu is loaded (by `makeShared`).
  if (options.cpuForward !== undefined) tf.env().set('WEBGPU_CPU_FORWARD', options.cpuForward)
  const base = wrapTfjsBackend({
    name: options.name ?? 'webgpu',
    tfBackendName: KX_WEBGPU,
    tfBackend,
    traits: { explicitMatmulTranspose: false, syncRead: false, convRhs: 'auto', quirks: { signDropsNaN: true, intTransposeBroken: true } },
    rules: WEBGPU_RULES,
    fusedRules: WEBGPU_FUSED_RULES,
    narrowFloats: roundNarrowFloat,
  })
  const baseMemory = base.memory!.bind(base)
  return {
    ...base,
    // Elementwise kernels on canonical shapes (fewer pipelines to compile), under the lazy broadcasts.
    ...lazyBroadcasts({ ...base, ...canonicalElementwise(base) }),
    features,
    device,
    tfBackend,
    memory(): WebGPUMemory {
      const m = tfBackend.memory()
      return { ...baseMemory(), gpuBytesUsed: m.numBytesInGPU, gpuBytesAllocated: m.numBytesAllocatedInGPU }
    },
    async warmup(run: () => unknown, options: { readonly compileOnly?: boolean } = {}): Promise<WebGPUWarmup> {
      const t0 = performance.now()
      const before = Object.keys(tfBackend.pipelineCache).length
      if (options.compileOnly) {
        const env = tf.env()
        // NOTE: a process-wide tfjs flag; `run` is synchronous, so nothing else dispatches while it is set.
        env.set('WEBGPU_ENGINE_COMPILE_ONLY', true)
        let out: unknown
        try { out = tidy(run) } finally { env.set('WEBGPU_ENGINE_COMPILE_ONLY', false) }
        disposeAll(out)
        await tfBackend.checkCompileCompletionAsync()
      } else {
        disposeAll(tidy(run))
        tfBackend.ensureCommandEncoderReady()
        tfBackend.endComputePassEncoder()
        tfBackend.submitQueue()
        await device.queue.onSubmittedWorkDone()
      }
      return { pipelines: Object.keys(tfBackend.pipelineCache).length - before, ms: performance.now() - t0 }
    },
  }
}
