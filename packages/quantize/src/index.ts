/**
 * @kx/quantize
 *
 * @packageDocumentation
 */
export {}
