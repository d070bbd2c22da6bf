/**
 * @kx/backend-openvino
 *
 * @packageDocumentation
 */
export {}
