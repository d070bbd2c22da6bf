/**
 * @kx/backend-tfjs: the eager kx backend on tfjs-core's cpu and wasm engines, in Node and in browsers,
 * plus the primitive → tfjs-kernel mapping that other tfjs engines (webgpu) reuse.
 *
 * @packageDocumentation
 */
export { createTfjsBackend, wrapTfjsBackend } from './backend.js'
export type { NarrowFloatRounding, TfjsBackend, TfjsBackendOptions, TfjsEngineName, WrapTfjsBackendOptions } from './backend.js'
export { TFJS_PRIM_RULES, TFJS_FALLBACKS } from './mapping.js'
export type { TfjsFallback, TfjsFallbackStrategy } from './mapping.js'
export { TFJS_FUSED_RULES } from './fused.js'
export type { TfjsFusedRule } from './fused.js'
export type { TfjsKernelContext, TfjsEngineTraits, TfjsQuirks, HostMemory, TfDType, ConvRhsStrategy } from './context.js'
export type { TfjsRule, TfjsRuleTable } from './rules/types.js'
export { locateWasmFiles } from './wasm-path.js'
