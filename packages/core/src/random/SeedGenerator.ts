/**
 * @file Keras's `SeedGenerator`: a seed state held in a Variable that random ops draw keys from, and
 * `drawSeed`, which turns the `seed` argument of every random op into a key tensor. The keys are the
 * raw Threefry keys that Keras's JAX backend passes to `jax.random`, so an integer seed (or a
 * generator built from one) gives the numbers of Keras on JAX, on every kx backend.
 */
import { InvalidArgumentError, fmt } from '../errors.js'
import { tensor, full } from '../creation.js'
import { tidy } from '../engine.js'
import { getBackend } from '../registry.js'
import * as lax from '../lax.js'
import { Tensor } from '../tensor.js'
import { Variable } from '../variable.js'

/** Options of `new SeedGenerator(...)` (Keras `keras.random.SeedGenerator`). */
export interface SeedGeneratorOptions {
  /** Initial seed (an integer; its low 32 bits are used). Omitted or null: a random seed in [1, 1e9]. */
  readonly seed?: number | null
  readonly name?: string
}

/**
 * Keras's `make_default_seed`: a random integer in [1, 1e9] from the host generator, so `setRandomSeed`
 * makes unseeded layers (Dropout, noise) reproducible, as Python's seeded `random` does in Keras.
 *
 * @example
 * ```ts
 * const gen = new SeedGenerator({ seed: makeDefaultSeed() })
 * ```
 */
export function makeDefaultSeed(): number {
  return 1 + Math.floor(hostRandom() * 1e9)
}

/** The low 32 bits of an integer seed, as the int32 that holds those bits. */
function seedBits(seed: unknown, where: string): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new InvalidArgumentError(`Argument \`seed\` of \`${where}\` must be an integer. Received: seed=${fmt(seed)}`)
  }
  return (seed >>> 0) | 0
}

const usedNames = new Map<string, number>()
function autoName(base: string): string {
  const k = usedNames.get(base) ?? 0
  usedNames.set(base, k + 1)
  return k === 0 ? base : `${base}_${k}`
}

/**
 * Generates a new key on each call to a random op (Keras `keras.random.SeedGenerator`). The state is a
 * non-trainable int32 `Variable` `[seed, counter]` (the bits of Keras's uint32 state), so it is saved
 * with a layer's weights and updated inside traced steps; `next()` returns the current state as a key
 * and advances the counter, exactly as Keras does.
 *
 * When to use: layers and functions that draw random numbers repeatedly (dropout, noise, initializers
 * with a seed); pass the generator as the `seed` of random ops.
 *
 * @example
 * ```ts
 * const gen = new SeedGenerator({ seed: 42 })
 * const a = randomUniform([2, 3], { seed: gen }) // the numbers of keras.random.uniform((2, 3), seed=gen) on JAX
 * const b = randomUniform([2, 3], { seed: gen }) // different numbers: the state moved on
 * ```
 */
export class SeedGenerator {
  readonly name: string
  /** The state variable: int32 `[seed, counter]`. */
  readonly state: Variable
  private readonly initialSeed: number | null

  constructor(options: SeedGeneratorOptions = {}) {
    this.name = options.name ?? autoName('seed_generator')
    this.initialSeed = options.seed ?? null
    const seed = seedBits(options.seed ?? makeDefaultSeed(), 'SeedGenerator')
    this.state = new Variable({
      initializer: tensor(new Int32Array([seed, 0]), { shape: [2], dtype: 'int32' }),
      dtype: 'int32',
      trainable: false,
      name: 'seed_generator_state',
    })
    this.state.path = `${this.name}/seed_generator_state`
  }

  /**
   * Returns the current state as a key (a new int32[2] tensor) and advances the state: `[s, c + 1]`
   * when `ordered` (the default), else Keras's scrambled step `((state + 1) · 5387) mod 933199` in
   * uint32 arithmetic (what the global generator uses for unseeded ops).
   */
  next(ordered = true): Tensor {
    this.followActiveBackend()
    return tidy(() => {
      const value = this.state.rawValue
      const key = lax.add(value, full([2], 0, 'int32', value.isSymbolic ? undefined : value.backend))
      if (ordered) {
        this.state.assign(lax.add(value, tensor(new Int32Array([0, 1]), { shape: [2], dtype: 'int32', ...(value.isSymbolic ? {} : { backend: value.backend }) })))
      } else {
        this.state.assign(scrambledStep(value))
      }
      return key
    })
  }

  /** Moves the state to the active backend after a backend switch (draws then land where ops run). */
  private followActiveBackend(): void {
    const value = this.state.rawValue
    if (value.isSymbolic) return
    const active = getBackend()
    if (value.backend === active || !value.backend.readSync) return
    this.state.assign(tensor(value.dataSync() as Int32Array, { shape: [2], dtype: 'int32', backend: active }))
  }

  /** Keras's config: `{seed, name}` (seed null when it was drawn at random). */
  getConfig(): { seed: number | null; name: string } { return { seed: this.initialSeed, name: this.name } }
  static fromConfig(config: { seed?: number | null; name?: string }): SeedGenerator {
    return new SeedGenerator({ ...(config.seed !== undefined ? { seed: config.seed } : {}), ...(config.name !== undefined ? { name: config.name } : {}) })
  }
  toString(): string { return `<SeedGenerator name=${this.name}, seed=${fmt(this.initialSeed)}>` }
}

// NOTE: Keras computes ((state + 1) * 5387) mod 933199 in uint32. int32 add/mul wrap to the same
// bits, so only the final mod needs the unsigned view: u mod m = (p mod m + (p < 0 ? 2^32 mod m : 0)) mod m.
// This keeps the state update on backends without uint32 (tfjs, WebGPU).
const SCRAMBLE_MOD = 933199
const TWO_POW_32_MOD = 4294967296 % SCRAMBLE_MOD
function scrambledStep(value: Tensor): Tensor {
  const c = (v: number): Tensor => full([2], v, 'int32', value.isSymbolic ? undefined : value.backend)
  const p = lax.mul(lax.add(value, c(1)), c(5387))
  const m = c(SCRAMBLE_MOD)
  const r = lax.binary('rem', lax.add(lax.binary('rem', p, m), m), m)
  const wrapped = lax.binary('rem', lax.add(r, c(TWO_POW_32_MOD)), m)
  return lax.select(lax.lt(p, c(0)), wrapped, r)
}

let globalGenerator: SeedGenerator | undefined

/**
 * The generator that unseeded random ops draw from (Keras's `global_seed_generator`), created on first use.
 *
 * @example
 * ```ts
 * const key = globalSeedGenerator().next(false) // what drawSeed(undefined) returns
 * ```
 */
export function globalSeedGenerator(): SeedGenerator {
  globalGenerator ??= new SeedGenerator()
  return globalGenerator
}

/**
 * Resets the global generator to one seeded with `seed` (kx's counterpart of the generator reset in
 * `keras.utils.set_random_seed`), so unseeded random ops repeat from run to run.
 * NOTE: Keras seeds its new global generator from Python's `random`, which kx does not emulate, so the
 * unseeded numbers repeat within kx but differ from Keras's.
 *
 * @example
 * ```ts
 * setRandomSeed(1337) // like keras.utils.set_random_seed(1337) for kx's own random ops
 * ```
 */
export function setRandomSeed(seed: number): void {
  seedBits(seed, 'setRandomSeed')
  globalGenerator?.state.dispose()
  globalGenerator = new SeedGenerator({ seed })
  hostState = seed >>> 0
}

let hostState: number | undefined

/**
 * Uniform [0, 1) numbers for host-side randomness (shuffling in `fit`, like NumPy's global RNG in Keras):
 * seeded by `setRandomSeed` (mulberry32), else `Math.random`.
 *
 * @example
 * ```ts
 * setRandomSeed(1); const r = hostRandom() // same sequence on every run
 * ```
 */
export function hostRandom(): number {
  if (hostState === undefined) return Math.random()
  hostState = (hostState + 0x6d2b79f5) >>> 0
  let t = hostState
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

/**
 * Turns a random op's `seed` argument into a key tensor (int32[2]), like Keras's `draw_seed` on JAX:
 * an integer `s` gives the key `[s, 0]`; a `SeedGenerator` gives its `next()`; null or undefined draws
 * from the global generator (unordered); a key tensor is passed through.
 *
 * @example
 * ```ts
 * const key = drawSeed(42) // int32 [42, 0]
 * const bits = lax.randomBits(key, [4])
 * ```
 */
export function drawSeed(seed: number | SeedGenerator | Tensor | null | undefined): Tensor {
  if (seed instanceof SeedGenerator) return seed.next()
  if (seed instanceof Tensor) {
    if (seed.shape.length !== 1 || seed.shape[0] !== 2 || (seed.dtype !== 'int32' && seed.dtype !== 'uint32')) {
      throw new InvalidArgumentError(`A seed tensor must be a key: int32 (or uint32) of shape (2,). Received: shape=${fmt(seed.shape)}, dtype=${seed.dtype}`)
    }
    return seed
  }
  if (seed === null || seed === undefined) return globalSeedGenerator().next(false)
  if (typeof seed === 'number') return tensor(new Int32Array([seedBits(seed, 'drawSeed'), 0]), { shape: [2], dtype: 'int32' })
  throw new InvalidArgumentError(`Argument \`seed\` must be either an integer or an instance of \`SeedGenerator\`. Received: seed=${fmt(seed)} (of type ${typeof seed})`)
}
