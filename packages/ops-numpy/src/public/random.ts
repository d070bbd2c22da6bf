/** @file The public names of `random.ts`: the `random` namespace (`keras.random`) and `SeedGenerator`. */
export * as random from './random-all.js'
export { SeedGenerator } from '../random.js'
