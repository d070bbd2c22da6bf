/**
 * @kx/backend-onnx
 *
 * @packageDocumentation
 */
export {}
