/**
 * @kx/ops-numpy
 *
 * @packageDocumentation
 */
export {}
