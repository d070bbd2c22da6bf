/**
 * @file The OpenVINO C API (`libopenvino_c`) reached through koffi: the handful of calls kx needs to
 * read an ONNX model from memory, compile it for a device, and run infer requests synchronously.
 * The library is located from `KX_OPENVINO_LIB` (a file or a folder) or the `openvino` Python wheel.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import process from 'node:process'
import { BackendMissingError, KxError } from '@kx/core'

/** An opaque pointer handed out by koffi. */
export type Ptr = unknown

/** The bound C functions (status codes returned; 0 is OK). */
export interface OvApi {
  readonly path: string
  readonly koffi: typeof import('koffi')
  ov_core_create(out: Ptr[]): number
  ov_core_free(core: Ptr): void
  ov_core_read_model_from_memory_buffer(core: Ptr, bytes: Uint8Array, len: number, weights: Ptr, out: Ptr[]): number
  ov_core_compile_model_props(core: Ptr, model: Ptr, device: string, n: number, props: { key: string; value: string }[], out: Ptr[]): number
  ov_model_free(model: Ptr): void
  ov_compiled_model_create_infer_request(cm: Ptr, out: Ptr[]): number
  ov_compiled_model_free(cm: Ptr): void
  ov_infer_request_set_input_tensor_by_index(req: Ptr, idx: number, t: Ptr): number
  ov_infer_request_get_output_tensor_by_index(req: Ptr, idx: number, out: Ptr[]): number
  ov_infer_request_infer(req: Ptr): number
  ov_infer_request_free(req: Ptr): void
  ov_tensor_create(type: number, shape: OvShape, out: Ptr[]): number
  ov_tensor_data(t: Ptr, out: Ptr[]): number
  ov_tensor_get_byte_size(t: Ptr, out: number[]): number
  ov_tensor_free(t: Ptr): void
  ov_shape_create(rank: number, dims: BigInt64Array, out: OvShape): number
  ov_shape_free(shape: OvShape): number
  ov_get_last_err_msg(): string
}

/** `ov_shape_t` as koffi reads it. */
export interface OvShape { rank: number | bigint; dims: Ptr }

/**
 * Error from the OpenVINO runtime (status code and its last error message).
 *
 * @example
 * ```ts
 * try { await y.data() } catch (e) { if (e instanceof OpenVINOError) console.error(e.message) }
 * ```
 */
export class OpenVINOError extends KxError {
  constructor(message: string) { super('value', message) }
}

const require = createRequire(import.meta.url)

/** Candidate paths of `libopenvino_c` (env var first, then the Python wheel). */
function candidates(): string[] {
  const out: string[] = []
  const env = process.env.KX_OPENVINO_LIB
  const inFolder = (dir: string): string[] => {
    if (!existsSync(dir)) return []
    return readdirSync(dir).filter((f: string) => /^libopenvino_c\.(so(\.\d+)*|dylib)$|^openvino_c\.dll$/.test(f)).sort().map((f: string) => join(dir, f))
  }
  if (env) {
    out.push(...(existsSync(env) && !/\.(so|dylib|dll)(\.\d+)*$/.test(env) ? [...inFolder(env), ...inFolder(join(env, 'libs'))] : [env]))
    return out
  }
  const pythons = [process.env.KX_OPENVINO_PYTHON, join(process.cwd(), '.venv/bin/python'), join(process.cwd(), '../../.venv/bin/python'), 'python3'].filter((p): p is string => !!p)
  for (const py of pythons) {
    if (py.includes('/') && !existsSync(py)) continue
    try {
      const dir = execFileSync(py, ['-c', 'import openvino, os; print(os.path.dirname(openvino.__file__))'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 }).trim()
      out.push(...inFolder(join(dir, 'libs')), ...inFolder(dir))
      if (out.length) break
    } catch { /* try the next interpreter */ }
  }
  return out
}

let api: OvApi | undefined

/**
 * How to install the runtime (the hint of the `BackendMissingError` thrown when it is absent).
 *
 * @example
 * ```ts
 * console.log(INSTALL_HINT)
 * ```
 */
export const INSTALL_HINT = 'Install the OpenVINO runtime (`pip install openvino`, 2026.x — tested with 2026.4 — in the Python found as `.venv/bin/python` or `python3`) or point KX_OPENVINO_LIB at libopenvino_c (a file or its folder).'

/**
 * Loads `libopenvino_c` once (from `KX_OPENVINO_LIB`, else the `openvino` Python wheel) and returns its
 * path; throws `BackendMissingError` when it cannot be found or loaded.
 *
 * @example
 * ```ts
 * const hasOpenVINO = (() => { try { openVINOLibraryPath(); return true } catch { return false } })()
 * ```
 */
export function openVINOLibraryPath(): string { return loadOpenVINO().path }

/** Loads `libopenvino_c` once; throws `BackendMissingError` when it cannot be found or loaded. */
export function loadOpenVINO(): OvApi {
  if (api) return api
  let koffi: typeof import('koffi')
  try {
    koffi = require('koffi') as typeof import('koffi')
  } catch (e) {
    throw new BackendMissingError(`OpenVINO backend: the FFI package koffi failed to load (${e instanceof Error ? e.message : String(e)}). ${INSTALL_HINT}`)
  }
  const paths = candidates()
  if (paths.length === 0) throw new BackendMissingError(`OpenVINO backend: libopenvino_c was not found. ${INSTALL_HINT}`)
  let lib: ReturnType<typeof koffi.load> | undefined
  let why = ''
  for (const p of paths) {
    try { lib = koffi.load(p); api = bind(koffi, lib, p); break } catch (e) { why = e instanceof Error ? e.message : String(e) }
  }
  if (!api) throw new BackendMissingError(`OpenVINO backend: libopenvino_c failed to load (${why}). Received: paths=${paths.join(', ')}. ${INSTALL_HINT}`)
  return api
}

function bind(koffi: typeof import('koffi'), lib: ReturnType<typeof koffi.load>, path: string): OvApi {
  const shape = koffi.struct('ov_shape_t', { rank: 'int64_t', dims: 'int64_t *' })
  const prop = koffi.struct('ov_property_t', { key: 'const char *', value: 'const char *' })
  const f = (sig: string): never => lib.func(sig) as never
  void shape; void prop
  return {
    path, koffi,
    ov_core_create: f('int ov_core_create(_Out_ void **core)'),
    ov_core_free: f('void ov_core_free(void *core)'),
    ov_core_read_model_from_memory_buffer: f('int ov_core_read_model_from_memory_buffer(void *core, const uint8_t *str, size_t len, void *weights, _Out_ void **model)'),
    ov_core_compile_model_props: f('int ov_core_compile_model_props(void *core, void *model, const char *device, size_t n, ov_property_t *props, _Out_ void **cm)'),
    ov_model_free: f('void ov_model_free(void *model)'),
    ov_compiled_model_create_infer_request: f('int ov_compiled_model_create_infer_request(void *cm, _Out_ void **req)'),
    ov_compiled_model_free: f('void ov_compiled_model_free(void *cm)'),
    ov_infer_request_set_input_tensor_by_index: f('int ov_infer_request_set_input_tensor_by_index(void *req, size_t idx, void *t)'),
    ov_infer_request_get_output_tensor_by_index: f('int ov_infer_request_get_output_tensor_by_index(void *req, size_t idx, _Out_ void **t)'),
    ov_infer_request_infer: f('int ov_infer_request_infer(void *req)'),
    ov_infer_request_free: f('void ov_infer_request_free(void *req)'),
    ov_tensor_create: f('int ov_tensor_create(int type, ov_shape_t shape, _Out_ void **t)'),
    ov_tensor_data: f('int ov_tensor_data(void *t, _Out_ void **data)'),
    ov_tensor_get_byte_size: f('int ov_tensor_get_byte_size(void *t, _Out_ size_t *size)'),
    ov_tensor_free: f('void ov_tensor_free(void *t)'),
    ov_shape_create: f('int ov_shape_create(int64_t rank, const int64_t *dims, _Out_ ov_shape_t *shape)'),
    ov_shape_free: f('int ov_shape_free(_Inout_ ov_shape_t *shape)'),
    ov_get_last_err_msg: f('const char *ov_get_last_err_msg()'),
  }
}

/** Throws `OpenVINOError` for a non-zero status. */
export function check(a: OvApi, status: number, what: string): void {
  if (status === 0) return
  let msg = ''
  try { msg = a.ov_get_last_err_msg() ?? '' } catch { /* older runtimes */ }
  throw new OpenVINOError(`OpenVINO ${what} failed (status ${status}). ${msg}`.trim())
}
