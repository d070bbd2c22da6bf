/**
 * @file The 64-bit string hashes behind Keras's hashing layers: FarmHash's `Fingerprint64`
 * (farmhashna `Hash64`, what `tf.strings.to_hash_bucket_fast` and `tf.fingerprint` use), SipHash-2-4
 * with a 128-bit key (`to_hash_bucket_strong`), and `FingerprintCat64` (`tf.sparse.cross_hashed`).
 * Written from the published algorithm descriptions, on BigInt words; inputs are UTF-8 bytes.
 */

const M64 = (1n << 64n) - 1n
const K0 = 0xc3a5c85c97cb3127n
const K1 = 0xb492b66fbe98f273n
const K2 = 0x9ae16a3b2f90404fn

const u64 = (x: bigint): bigint => x & M64
const mul = (a: bigint, b: bigint): bigint => (a * b) & M64
const addw = (a: bigint, b: bigint): bigint => (a + b) & M64
/** Rotate right (FarmHash's `Rotate`). */
const rotr = (v: bigint, s: number): bigint => (s === 0 ? v : ((v >> BigInt(s)) | (v << BigInt(64 - s))) & M64)
const shiftMix = (v: bigint): bigint => v ^ (v >> 47n)

function fetch64(b: Uint8Array, i: number): bigint {
  let lo = 0
  let hi = 0
  for (let k = 3; k >= 0; k--) { lo = lo * 256 + b[i + k]!; hi = hi * 256 + b[i + 4 + k]! }
  return (BigInt(hi) << 32n) | BigInt(lo)
}
function fetch32(b: Uint8Array, i: number): bigint {
  return BigInt(b[i]! + b[i + 1]! * 256 + b[i + 2]! * 65536 + b[i + 3]! * 16777216)
}

function hashLen16(u: bigint, v: bigint, m: bigint): bigint {
  let a = mul(u ^ v, m)
  a ^= a >> 47n
  let b = mul(v ^ a, m)
  b ^= b >> 47n
  return mul(b, m)
}

function hashLen0to16(s: Uint8Array, len: number): bigint {
  if (len >= 8) {
    const m = addw(K2, BigInt(len * 2))
    const a = addw(fetch64(s, 0), K2)
    const b = fetch64(s, len - 8)
    const c = addw(mul(rotr(b, 37), m), a)
    const d = mul(addw(rotr(a, 25), b), m)
    return hashLen16(c, d, m)
  }
  if (len >= 4) {
    const m = addw(K2, BigInt(len * 2))
    const a = fetch32(s, 0)
    return hashLen16(u64(BigInt(len) + (a << 3n)), fetch32(s, len - 4), m)
  }
  if (len > 0) {
    const a = s[0]!
    const b = s[len >> 1]!
    const c = s[len - 1]!
    const y = BigInt((a + (b << 8)) >>> 0)
    const z = BigInt((len + (c << 2)) >>> 0)
    return mul(shiftMix(mul(y, K2) ^ mul(z, K0)), K2)
  }
  return K2
}

function hashLen17to32(s: Uint8Array, len: number): bigint {
  const m = addw(K2, BigInt(len * 2))
  const a = mul(fetch64(s, 0), K1)
  const b = fetch64(s, 8)
  const c = mul(fetch64(s, len - 8), m)
  const d = mul(fetch64(s, len - 16), K2)
  return hashLen16(addw(addw(rotr(addw(a, b), 43), rotr(c, 30)), d), addw(addw(a, rotr(addw(b, K2), 18)), c), m)
}

function hashLen33to64(s: Uint8Array, len: number): bigint {
  const m = addw(K2, BigInt(len * 2))
  const a = mul(fetch64(s, 0), K2)
  const b = fetch64(s, 8)
  const c = mul(fetch64(s, len - 8), m)
  const d = mul(fetch64(s, len - 16), K2)
  const y = addw(addw(rotr(addw(a, b), 43), rotr(c, 30)), d)
  const z = hashLen16(y, addw(addw(a, rotr(addw(b, K2), 18)), c), m)
  const e = mul(fetch64(s, 16), m)
  const f = fetch64(s, 24)
  const g = mul(addw(y, fetch64(s, len - 32)), m)
  const h = mul(addw(z, fetch64(s, len - 24)), m)
  return hashLen16(addw(addw(rotr(addw(e, f), 43), rotr(g, 30)), h), addw(addw(e, rotr(addw(f, a), 18)), g), m)
}

function weakHashLen32WithSeeds(s: Uint8Array, i: number, a0: bigint, b0: bigint): [bigint, bigint] {
  const w = fetch64(s, i)
  const x = fetch64(s, i + 8)
  const y = fetch64(s, i + 16)
  const z = fetch64(s, i + 24)
  let a = addw(a0, w)
  let b = rotr(addw(addw(b0, a), z), 21)
  const c = a
  a = addw(addw(a, x), y)
  b = addw(b, rotr(a, 44))
  return [addw(a, z), addw(b, c)]
}

/** FarmHash `Fingerprint64` of a byte string (as an unsigned 64-bit BigInt). */
export function fingerprint64(s: Uint8Array): bigint {
  const len = s.length
  if (len <= 16) return hashLen0to16(s, len)
  if (len <= 32) return hashLen17to32(s, len)
  if (len <= 64) return hashLen33to64(s, len)
  const seed = 81n
  let x = seed
  let y = u64(seed * K1 + 113n)
  let z = mul(shiftMix(addw(mul(y, K2), 113n)), K2)
  let v: [bigint, bigint] = [0n, 0n]
  let w: [bigint, bigint] = [0n, 0n]
  x = addw(mul(x, K2), fetch64(s, 0))
  const end = Math.floor((len - 1) / 64) * 64
  const last64 = end + ((len - 1) & 63) - 63
  let p = 0
  do {
    x = mul(rotr(addw(addw(addw(x, y), v[0]), fetch64(s, p + 8)), 37), K1)
    y = mul(rotr(addw(addw(y, v[1]), fetch64(s, p + 48)), 42), K1)
    x ^= w[1]
    y = addw(y, addw(v[0], fetch64(s, p + 40)))
    z = mul(rotr(addw(z, w[0]), 33), K1)
    v = weakHashLen32WithSeeds(s, p, mul(v[1], K1), addw(x, w[0]))
    w = weakHashLen32WithSeeds(s, p + 32, addw(z, w[1]), addw(y, fetch64(s, p + 16)))
    const t = z; z = x; x = t
    p += 64
  } while (p !== end)
  const m = addw(K1, (z & 0xffn) << 1n)
  p = last64
  w[0] = addw(w[0], BigInt((len - 1) & 63))
  v[0] = addw(v[0], w[0])
  w[0] = addw(w[0], v[0])
  x = mul(rotr(addw(addw(addw(x, y), v[0]), fetch64(s, p + 8)), 37), m)
  y = mul(rotr(addw(addw(y, v[1]), fetch64(s, p + 48)), 42), m)
  x ^= mul(w[1], 9n)
  y = addw(y, addw(mul(v[0], 9n), fetch64(s, p + 40)))
  z = mul(rotr(addw(z, w[0]), 33), m)
  v = weakHashLen32WithSeeds(s, p, mul(v[1], m), addw(x, w[0]))
  w = weakHashLen32WithSeeds(s, p + 32, addw(z, w[1]), addw(y, fetch64(s, p + 16)))
  const t = z; z = x; x = t
  return hashLen16(addw(addw(hashLen16(v[0], w[0], m), mul(shiftMix(y), K0)), z), addw(hashLen16(v[1], w[1], m), x), m)
}

const rotl = (v: bigint, s: number): bigint => ((v << BigInt(s)) | (v >> BigInt(64 - s))) & M64

/** SipHash-2-4 of a byte string with the 128-bit key `[k0, k1]` (unsigned 64-bit result). */
export function sipHash64(key: readonly [bigint, bigint], s: Uint8Array): bigint {
  const [k0, k1] = key
  let v0 = k0 ^ 0x736f6d6570736575n
  let v1 = k1 ^ 0x646f72616e646f6dn
  let v2 = k0 ^ 0x6c7967656e657261n
  let v3 = k1 ^ 0x7465646279746573n
  const round = (): void => {
    v0 = addw(v0, v1); v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
    v2 = addw(v2, v3); v3 = rotl(v3, 16); v3 ^= v2
    v0 = addw(v0, v3); v3 = rotl(v3, 21); v3 ^= v0
    v2 = addw(v2, v1); v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
  }
  const len = s.length
  const full = len - (len % 8)
  for (let i = 0; i < full; i += 8) {
    const m = fetch64(s, i)
    v3 ^= m; round(); round(); v0 ^= m
  }
  let last = BigInt(len & 0xff) << 56n
  for (let i = 0; i < len - full; i++) last |= BigInt(s[full + i]!) << BigInt(8 * i)
  v3 ^= last; round(); round(); v0 ^= last
  v2 ^= 0xffn
  round(); round(); round(); round()
  return v0 ^ v1 ^ v2 ^ v3
}

/** TensorFlow's `FingerprintCat64(fp1, fp2)`: combines two fingerprints (feature crosses). */
export function fingerprintCat64(fp1: bigint, fp2: bigint): bigint {
  const kMul = 0xc6a4a7935bd1e995n
  let r = fp1 ^ kMul
  r ^= mul(shiftMix(mul(fp2, kMul)), kMul)
  r = mul(r, kMul)
  r = mul(shiftMix(r), kMul)
  return shiftMix(r)
}

const encoder = new TextEncoder()
/** UTF-8 bytes of a string. */
export const utf8 = (s: string): Uint8Array => encoder.encode(s)

/** `Fingerprint64(s) mod buckets` (`tf.strings.to_hash_bucket_fast`). */
export function hashBucketFast(s: string, buckets: number): number {
  return Number(fingerprint64(utf8(s)) % BigInt(buckets))
}

/** `SipHash(key, s) mod buckets` (`tf.strings.to_hash_bucket_strong`). */
export function hashBucketStrong(s: string, buckets: number, key: readonly [number, number]): number {
  return Number(sipHash64([BigInt.asUintN(64, BigInt(key[0])), BigInt.asUintN(64, BigInt(key[1]))], utf8(s)) % BigInt(buckets))
}
