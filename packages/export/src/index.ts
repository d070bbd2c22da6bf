/**
 * @kx/export
 *
 * @packageDocumentation
 */
export {}
