/**
 * @file `random_uniform` on the device: core's Threefry-2x32 (JAX's partitionable layout) as one WGSL
 * program, bit-identical to `reference`. backend-tfjs runs it on the host, which needs a synchronous read of
 * the key; WebGPU reads are async only.
 */
import { NotImplementedError } from '@kx/core'
import type { TfjsRule } from '@kx/backend-tfjs'

/** kx's own tfjs kernel (under `kx-webgpu`): float32 Threefry uniforms from a key (inputs `{ key }`, attrs `{ shape }`). */
export const KX_RANDOM_UNIFORM = 'KxRandomUniform'

/** The two rotation schedules of Threefry-2x32, alternating every 4 rounds. */
const ROTATIONS = [[13, 15, 26, 6], [17, 29, 16, 24]] as const

/** WGSL statements of the 20 rounds on `a`, `b` with key schedule `ks0..ks2` (unrolled: constant shifts). */
function threefryRounds(): string {
  const lines: string[] = []
  for (let block = 0; block < 5; block++) {
    for (const r of ROTATIONS[block % 2]!) lines.push(`a = a + b; b = (b << ${r}u) | (b >> ${32 - r}u); b = b ^ a;`)
    lines.push(`a = a + ks${(block + 1) % 3}; b = b + ks${(block + 2) % 3} + ${block + 1}u;`)
  }
  return lines.join('\n        ')
}

/** WGSL Threefry-2x32-20 block function: counter words `(x0, x1)` under key `(k0, k1)`. */
const THREEFRY_FN = `
      fn kxThreefry(k0 : u32, k1 : u32, x0 : u32, x1 : u32) -> vec2<u32> {
        let ks0 = k0;
        let ks1 = k1;
        let ks2 = k0 ^ k1 ^ 0x1bd11bdau;
        var a = x0 + ks0;
        var b = x1 + ks1;
        ${threefryRounds()}
        return vec2<u32>(a, b);
      }`

/**
 * WGSL body of the float32 uniform draw: element i hashes the counter pair `(hi, lo) = (0, i)` (sizes stay
 * below 2^32) under the key in `A` (two i32 words), XORs the two output words, and keeps 23 mantissa bits:
 * `(bits >> 9) · 2^-23`, exact in f32 — the numbers of core's `randomUniform(key, n, 'float32')`.
 */
export const THREEFRY_UNIFORM_WGSL = uniformWgsl('(h.x ^ h.y) >> 9u', '1.1920928955078125e-7')

/** The draw in `main` of a uniform program: mantissa bits from the hashed word, times the quantum. */
function uniformWgsl(mantissa: string, quantum: string): string {
  return `${THREEFRY_FN}
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let h = kxThreefry(bitcast<u32>(A[0]), bitcast<u32>(A[1]), 0u, bitcast<u32>(index));
        setOutputAtIndex(index, f32(${mantissa}) * ${quantum});
      }`
}

/**
 * WGSL bodies of the float16 and bfloat16 uniform draws (stored as float32, exact): JAX draws 16 bits for
 * float16, `(bits16 >> 6) · 2^-10`, and 8 for bfloat16, `(bits8 >> 1) · 2^-7` — core's `randomUniform` numbers.
 */
export const THREEFRY_UNIFORM_NARROW_WGSL = {
  float16: uniformWgsl('((h.x ^ h.y) & 0xffffu) >> 6u', '0.0009765625'),
  bfloat16: uniformWgsl('((h.x ^ h.y) & 0xffu) >> 1u', '0.0078125'),
} as const

/**
 * WGSL body of the `threefry2x32` primitive: keys `A` and counters `B` as i32 word pairs of one shape; the
 * invocation for output word `index` hashes pair `index / 2` and keeps word `index % 2`.
 */
export const THREEFRY_PAIRS_WGSL = `${THREEFRY_FN}
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let p = index - index % 2;
        let h = kxThreefry(bitcast<u32>(A[p]), bitcast<u32>(A[p + 1]), bitcast<u32>(B[p]), bitcast<u32>(B[p + 1]));
        setOutputAtIndexI32(index, bitcast<i32>(select(h.x, h.y, index % 2 == 1)));
      }`

/** kx's own tfjs kernel (under `kx-webgpu`): `threefry2x32` on i32 word pairs (inputs `{ keys, counts }`). */
export const KX_THREEFRY_PAIRS = 'KxThreefry2x32'

/**
 * The `threefry2x32` rule on webgpu: the WGSL kernel on int32 word pairs (uint32 is not stored here),
 * bit-identical to core's `threefryPairs`.
 */
export const threefry2x32Rule: TfjsRule<'threefry2x32'> = (ctx, [keys, counts]) => [ctx.kernel(KX_THREEFRY_PAIRS, { keys: keys!, counts: counts! })]

/**
 * The `random_uniform` rule on webgpu: the WGSL Threefry kernel for float32, float16 and bfloat16 (the float
 * dtypes the backend declares; the narrow ones stored as float32); other dtypes never reach it.
 */
export const randomUniformRule: TfjsRule<'random_uniform'> = (ctx, [key], { shape, dtype }) => {
  if (dtype !== 'float32' && dtype !== 'float16' && dtype !== 'bfloat16') throw new NotImplementedError(`random_uniform on webgpu draws float32, float16 and bfloat16 only. Received: dtype=${dtype}`)
  const n = shape.reduce((a, b) => a * b, 1)
  if (n === 0) return [ctx.constant(0, 'float32', shape)]
  return [ctx.kernel(KX_RANDOM_UNIFORM, { key: key! }, { shape: shape.slice(), dtype })]
}
