/**
 * @kx/backend-tfjs
 *
 * @packageDocumentation
 */
export {}
