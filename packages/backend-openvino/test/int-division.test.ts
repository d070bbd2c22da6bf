/**
 * int32 `div`/`rem` exact over the int32 range on OpenVINO (its CPU plugin divides integers through float32;
 * the lowering corrects the quotient). Expected: XLA's semantics in exact double arithmetic; `randint`, which
 * divides large integers, must then give `reference`'s (JAX's) numbers.
 */
import { expect, it } from 'vitest'
import { Tensor, createReferenceBackend, lax, tensor, withDefaultBackend } from '@kx/core'
import { random } from '@kx/ops-numpy'
import { seededRandom } from '@kx/backend-conformance'
import { createOpenVINOBackend } from '../src/index.js'
import { describeOpenVINO } from './available.js'

const r = seededRandom(11)
const big = (): number => Math.floor((r() * 2 - 1) * 2147483647)
const a = [2147483647, -2147483000, 2147483000, 16777217, 7, -7, 0, 5, ...Array.from({ length: 40 }, big)]
const b = [1, 14, 3, 2, -2, 2, 3, 0, ...Array.from({ length: 40 }, (_, i) => (i % 2 ? big() : Math.floor(r() * 300) - 150))]
const div = a.map((x, i) => (b[i] === 0 ? -1 : Math.trunc(x / b[i]!) | 0))
const rem = a.map((x, i) => (b[i] === 0 ? x : (x - Math.trunc(x / b[i]!) * b[i]!) | 0))

describeOpenVINO('openvino: exact integer division', () => {
  it('div and rem match truncating division over the int32 range', async () => {
    const ov = await createOpenVINOBackend({ name: 'openvino-intdiv' })
    withDefaultBackend(ov, () => {
      const x = tensor(Int32Array.from(a)), y = tensor(Int32Array.from(b))
      expect(Array.from((lax.div(x, y) as Tensor).dataSync())).toEqual(div)
      expect(Array.from((lax.binary('rem', x, y) as Tensor).dataSync())).toEqual(rem)
    })
  })
  it('randint gives the reference backend\'s (JAX\'s) numbers', async () => {
    const ov = await createOpenVINOBackend({ name: 'openvino-randint' })
    const draw = () => [...random.randint([16], 0, 14, { seed: 2 }).dataSync(), ...random.randint([16], -7, 7, { seed: 5 }).dataSync(), ...random.randint([8], -3, 1000000, { seed: 9 }).dataSync()]
    const expected = withDefaultBackend(createReferenceBackend(), draw)
    expect(withDefaultBackend(ov, draw)).toEqual(expected)
  })
})
