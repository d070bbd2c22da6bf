/**
 * @kx/backend-onnx: kx's backend on ONNX Runtime (a lazy graph engine; one session per traced step)
 * and the lowering of every kx primitive to ONNX operators, which `@kx/export` shares.
 *
 * @packageDocumentation
 */
export { createOnnxBackend } from './backend.js'
export type { OnnxBackend, OnnxBackendOptions } from './backend.js'
export type { EngineStats } from './engine.js'
export type { CompileStats } from './compile.js'
export { programOf } from './compile.js'
export { LazyGraphEngine, LazyHandle, paramsKey, avalKey, wholeGraph, interpretedGraph, constantValues } from './lazy.js'
export type { GraphRuntime, GraphExecutable, PendingNode, LazyEngineOptions, LazyEngineCounters } from './lazy.js'
export type { OnnxSessionOptions } from './runtime/session.js'
export { LOWERINGS } from './lower/table.js'
export type { Lowering, LoweringTable } from './lower/common.js'
export { lowerProgram, lowerEquation, loweringError, irVersionFor } from './lower/graph.js'
export type { Program, ProgramEquation, LowerOptions } from './lower/graph.js'
export { GraphBuilder } from './onnx/builder.js'
export type { LVal } from './onnx/builder.js'
export { encodeModel, decodeModel, ONNX_TYPE } from './onnx/proto.js'
export type { OnnxModel, OnnxGraph, OnnxNode, OnnxTensor, OnnxAttr, OnnxValueInfo, OnnxType, DecodedModel } from './onnx/proto.js'
export { STORAGE, NATIVE } from './onnx/dtypes.js'
