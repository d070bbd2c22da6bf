/**
 * @kx/keras
 *
 * @packageDocumentation
 */
export {}
