/**
 * @kx/layers
 *
 * @packageDocumentation
 */
export {}
