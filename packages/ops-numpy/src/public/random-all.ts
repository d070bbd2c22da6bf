/**
 * @file The members of the `random` namespace: the same modules as `../index-random.ts`, but a separate file, because the
 * namespace object makes its module live in a bundle, and a live module hands its reach on to all it imports.
 */
export * from '../random.js'
export * from '../random-more.js'
export * from '../random-dists.js'
