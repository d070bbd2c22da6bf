/**
 * @kx/trainers
 *
 * @packageDocumentation
 */
export {}
