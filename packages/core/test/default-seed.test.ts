/** `setRandomSeed` reproduces unseeded generators (Keras seeds Python's `random`, which `make_default_seed` reads). */
import { describe, expect, it } from 'vitest'
import { makeDefaultSeed, setRandomSeed } from '../src/index.js'

describe('makeDefaultSeed', () => {
  it('follows setRandomSeed: same sequence after the same seed, another after another seed', () => {
    setRandomSeed(1337)
    const a = [makeDefaultSeed(), makeDefaultSeed(), makeDefaultSeed()]
    setRandomSeed(1337)
    const b = [makeDefaultSeed(), makeDefaultSeed(), makeDefaultSeed()]
    setRandomSeed(7)
    const c = [makeDefaultSeed(), makeDefaultSeed(), makeDefaultSeed()]
    expect(b).toEqual(a)
    expect(c).not.toEqual(a)
    for (const s of [...a, ...c]) expect(s >= 1 && s <= 1e9 && Number.isInteger(s)).toBe(true)
  })
})
