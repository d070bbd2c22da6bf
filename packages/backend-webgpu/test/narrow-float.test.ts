/**
 * float16 and bfloat16 on webgpu (stored as float32, every op's new values rounded on the device): the rounding
 * program against core's host rounding (`roundFloat16`/`roundBFloat16`, the reference backend's) bit for bit over
 * edge values (ties, subnormals, overflow, inf, NaN) and random bits, and ops in float16 against `reference`.
 */
import { describe, expect, it } from 'vitest'
import { Tensor, createReferenceBackend, lax, roundBFloat16, roundFloat16, type Backend, type DType } from '@kx/core'
import { GPU_TIMEOUT, gpu, webgpuAvailable } from './gpu.js'

const f32 = (b: Backend, v: Float32Array): Tensor => new Tensor([v.length], 'float32', b, b.upload(v, [v.length], 'float32'))
const bits = (v: ArrayLike<number>): Uint32Array => new Uint32Array(Float32Array.from(v).buffer)

/** Values around every rounding boundary of float16 and bfloat16, plus random float32 bit patterns. */
function edgeValues(): Float32Array {
  const v: number[] = [0, -0, 1, -1, 65504, 65519.99, 65520, -65520, 65536, 1e6, -1e30, Infinity, -Infinity, NaN,
    2 ** -14, 2 ** -15, 2 ** -24, 2 ** -25, 1.5 * 2 ** -25, 2 ** -26, 3 * 2 ** -25, 1e-8, -6.1e-5, 1 + 2 ** -11, 1 + 3 * 2 ** -11,
    1 + 2 ** -8, 1 + 3 * 2 ** -8, 3.4e38, -3.4e38, 0.1, 1 / 3, Math.PI]
  let s = 12345
  for (let i = 0; i < 2000; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    const x = new Float32Array(new Uint32Array([s]).buffer)[0]!
    if (Number.isFinite(x) && Math.abs(x) > 1e-37) v.push(x)
    v.push((s / 2 ** 32 - 0.5) * 2 ** ((i % 40) - 20))
  }
  return Float32Array.from(v)
}

describe.runIf(webgpuAvailable('backend-webgpu narrow floats'))('float16 and bfloat16 on webgpu', () => {
  const b = gpu.backend!

  it('declares float16 and bfloat16', () => {
    expect(b.capabilities.dtypes.has('float16')).toBe(true)
    expect(b.capabilities.dtypes.has('bfloat16')).toBe(true)
  })

  for (const [dtype, round] of [['float16', roundFloat16], ['bfloat16', roundBFloat16]] as [DType, (x: number) => number][]) {
    it(`float32 → ${dtype} rounds like the host, bit for bit (ties to even, subnormals, overflow, NaN)`, async () => {
      const v = edgeValues()
      const x = f32(b, v)
      const y = lax.convertElementType(x, dtype)
      expect(y.dtype).toBe(dtype)
      const got = Float32Array.from(await y.data())
      const want = Float32Array.from(v, round)
      for (let i = 0; i < v.length; i++) {
        if (Number.isNaN(want[i]!)) expect(Number.isNaN(got[i]!)).toBe(true)
        else if (bits([got[i]!])[0] !== bits([want[i]!])[0]) expect([v[i], got[i]]).toEqual([v[i], want[i]])
      }
      x.dispose(); y.dispose()
    }, GPU_TIMEOUT)
  }

  it('arithmetic in float16 matches the reference backend (rounded after every op)', async () => {
    const ref = createReferenceBackend()
    const a = Float32Array.from({ length: 64 }, (_, i) => (i - 31.7) * 13.37)
    const c = Float32Array.from({ length: 64 }, (_, i) => 1 / (i + 0.3))
    const run = async (be: Backend): Promise<Float32Array> => {
      const x = lax.convertElementType(f32(be, a), 'float16')
      const z = lax.convertElementType(f32(be, c), 'float16')
      // x·z + x/z, then exp of a scaled copy: each op rounds its float16 result.
      const y = lax.add(lax.mul(x, z), lax.div(x, z))
      const e = lax.exp(lax.mul(y, lax.convertElementType(f32(be, new Float32Array(64).fill(1e-3)), 'float16')))
      expect(e.dtype).toBe('float16')
      return Float32Array.from(await e.data())
    }
    const [got, want] = [await run(b), await run(ref)]
    // The same float32 arithmetic then the same rounding: equal, up to float32 op differences before rounding.
    for (let i = 0; i < got.length; i++) {
      if (got[i] !== want[i]) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(Math.abs(want[i]!) * 2 ** -10)
    }
  }, GPU_TIMEOUT)

  it('an upload of float16 data holds float16 values; an overflow is inf, as in float16', async () => {
    const t = new Tensor([3], 'float16', b, b.upload(new Float32Array([0.1, 70000, -1e-8]), [3], 'float16'))
    expect(Array.from(await t.data())).toEqual([roundFloat16(0.1), Infinity, roundFloat16(-1e-8)])
    t.dispose()
  }, GPU_TIMEOUT)
})
