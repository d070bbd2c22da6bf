/**
 * @kx/ops-nn
 *
 * @packageDocumentation
 */
export {}
