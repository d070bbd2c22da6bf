/** The coverage tables match the exports and the README, and the README example runs. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { tensor } from '@kx/core'
import * as pkg from '../src/index.js'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

describe('coverage', () => {
  it('lists every keras.ops.nn op (55) and keras.ops.image op (17), each exported', () => {
    expect(pkg.OPS_NN_COVERAGE.length).toBe(55)
    expect(pkg.OPS_IMAGE_COVERAGE.length).toBe(17)
    for (const e of pkg.OPS_NN_COVERAGE) {
      expect(typeof (pkg.nn as Record<string, unknown>)[e.kx], e.kx).toBe('function')
      expect(typeof (pkg as Record<string, unknown>)[e.kx], e.kx).toBe('function')
    }
    for (const e of pkg.OPS_IMAGE_COVERAGE) expect(typeof (pkg.image as Record<string, unknown>)[e.kx], e.kx).toBe('function')
  })
  it('the README table is the coverage data', () => {
    for (const e of pkg.OPS_NN_COVERAGE) expect(readme).toContain(`| \`keras.ops.nn.${e.keras}\` | \`${e.kx}\` | ${e.status} |`)
    for (const e of pkg.OPS_IMAGE_COVERAGE) expect(readme).toContain(`| \`keras.ops.image.${e.keras}\` | \`image.${e.kx}\` | ${e.status} |`)
  })
  it('the README example runs', () => {
    const { conv, maxPool, relu, softmax, sparseCategoricalCrossentropy, image } = pkg
    const x = tensor(new Float32Array(2 * 28 * 28), { shape: [2, 28, 28, 1] })
    const k = tensor(new Float32Array(3 * 3 * 1 * 8).fill(0.1), { shape: [3, 3, 1, 8] })
    expect(maxPool(relu(conv(x, k, { padding: 'same' })), 2).shape).toEqual([2, 14, 14, 8])
    const p = softmax(tensor([[1, 2, 3]], { dtype: 'float32' }))
    expect(sparseCategoricalCrossentropy(tensor([2]), p).shape).toEqual([1])
    expect(image.resize(x, [14, 14], { interpolation: 'bilinear', antialias: true }).shape).toEqual([2, 14, 14, 1])
  })
})
