/**
 * @kx/backend-openvino: kx's backend on the OpenVINO runtime, reached through its C API
 * (`libopenvino_c`) with koffi. A lazy graph engine like `@kx/backend-onnx`, whose ONNX lowering it
 * shares: graphs are handed to OpenVINO's ONNX frontend and compiled once per structure.
 *
 * @packageDocumentation
 */
export { createOpenVINOBackend, createOpenVINOBackendSync, OPENVINO_UNSUPPORTED } from './backend.js'
export type { OpenVINOBackend, OpenVINOBackendOptions } from './backend.js'
export type { EngineStats } from './engine.js'
export type { CompileStats } from './compile.js'
export type { OpenVINOCompileOptions, HostValue } from './runtime/model.js'
export { loadOpenVINOIR } from './ir-model.js'
export type { OpenVINOIRModel } from './ir-model.js'
export { OpenVINOError, openVINOLibraryPath, INSTALL_HINT } from './runtime/capi.js'
