/**
 * @file `rearrange` (`keras.ops.rearrange`, einops notation): named axes, grouping `(h w)` on either
 * side, `()` unit axes, and `...` for the unnamed leading/middle axes — lowered to reshape + transpose.
 */
import { InvalidArgumentError, ShapeError, Tensor, fmt, lax } from '@kx/core'
import type { Dim } from '@kx/core'
import { toTensor, type TensorLike } from './convert.js'
import { reshapeTo } from './shape-util.js'

type Group = string[]

function parseSide(side: string, pattern: string): Group[] {
  const groups: Group[] = []
  const re = /\(([^()]*)\)|\.\.\.|[A-Za-z_][A-Za-z0-9_]*|\S/g
  let m: RegExpExecArray | null
  while ((m = re.exec(side)) !== null) {
    if (m[1] !== undefined) {
      const inner = m[1].trim() === '' ? [] : m[1].trim().split(/\s+/)
      for (const a of inner) if (a !== '...' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(a)) throw new InvalidArgumentError(`\`rearrange\`: invalid axis name ${fmt(a)}. Received: pattern=${fmt(pattern)}`)
      groups.push(inner)
    } else if (m[0] === '...' || /^[A-Za-z_]/.test(m[0])) groups.push([m[0]])
    else throw new InvalidArgumentError(`\`rearrange\`: unexpected character ${fmt(m[0])}. Received: pattern=${fmt(pattern)}`)
  }
  return groups
}

/**
 * Rearranges axes with an einops pattern: transposes, merges `(a b)` and splits axes (sizes of split
 * axes come from `axesLengths`, one per group may be inferred).
 *
 * @example
 * ```ts
 * rearrange(images, 'b h w c -> b c h w')
 * rearrange(images, 'b (h1 h) (w1 w) c -> (b h1 w1) h w c', { h1: 2, w1: 2 })
 * rearrange(x, '... h d -> ... (h d)')
 * ```
 */
export function rearrange(tensor: TensorLike, pattern: string, axesLengths: Readonly<Record<string, number>> = {}): Tensor {
  const t = toTensor(tensor)
  const sides = pattern.split('->')
  if (sides.length !== 2) throw new InvalidArgumentError(`\`rearrange\` needs a pattern "input -> output". Received: pattern=${fmt(pattern)}`)
  const inGroups = parseSide(sides[0]!, pattern)
  const outGroups = parseSide(sides[1]!, pattern)
  const rank = t.shape.length
  const ellIn = inGroups.findIndex((g) => g.includes('...'))
  if (ellIn >= 0 && inGroups[ellIn]!.length !== 1) throw new InvalidArgumentError(`\`rearrange\`: "..." cannot be grouped on the input side. Received: pattern=${fmt(pattern)}`)
  if (inGroups.filter((g) => g.includes('...')).length > 1) throw new InvalidArgumentError(`\`rearrange\`: at most one "..." per side. Received: pattern=${fmt(pattern)}`)
  const nEll = ellIn >= 0 ? rank - (inGroups.length - 1) : 0
  if (nEll < 0 || (ellIn < 0 && inGroups.length !== rank)) {
    throw new ShapeError(`\`rearrange\`: the input pattern has ${inGroups.length} axes for a tensor of rank ${rank}. Received: pattern=${fmt(pattern)}, tensor.shape=${fmt(t.shape)}`)
  }
  const ellNames = Array.from({ length: nEll }, (_, i) => `\u0000${i}`)
  const expand = (gs: Group[]): Group[] => gs.flatMap((g) => (g.length === 1 && g[0] === '...' ? ellNames.map((n) => [n]) : [g.flatMap((a) => (a === '...' ? ellNames : [a]))]))
  const inG = expand(inGroups)
  const outG = expand(outGroups)
  const inAtoms = inG.flat()
  const outAtoms = outG.flat()
  if (new Set(inAtoms).size !== inAtoms.length || new Set(outAtoms).size !== outAtoms.length) throw new InvalidArgumentError(`\`rearrange\`: repeated axis name. Received: pattern=${fmt(pattern)}`)
  const missing = [...inAtoms.filter((a) => !outAtoms.includes(a)), ...outAtoms.filter((a) => !inAtoms.includes(a))]
  if (missing.length) throw new InvalidArgumentError(`\`rearrange\`: axes must appear on both sides. Received: pattern=${fmt(pattern)}, unmatched=${fmt(missing.map((a) => (a.startsWith('\u0000') ? '...' : a)))}`)
  // sizes of every atom
  const size = new Map<string, Dim>()
  inG.forEach((g, i) => {
    const dim = t.shape[i]!
    if (g.length === 0) {
      if (dim !== 1 && dim !== null) throw new ShapeError(`\`rearrange\`: "()" needs a unit axis. Received: tensor.shape=${fmt(t.shape)}`)
      return
    }
    if (g.length === 1 && axesLengths[g[0]!] === undefined) { size.set(g[0]!, dim); return }
    const unknown = g.filter((a) => axesLengths[a] === undefined)
    if (unknown.length > 1) throw new InvalidArgumentError(`\`rearrange\`: cannot infer several axis sizes in one group; pass them as axesLengths. Received: group=(${g.join(' ')})`)
    const known = g.filter((a) => axesLengths[a] !== undefined).reduce((acc, a) => acc * axesLengths[a]!, 1)
    for (const a of g) if (axesLengths[a] !== undefined) size.set(a, axesLengths[a]!)
    if (unknown.length === 1) {
      if (dim !== null && dim % known !== 0) throw new ShapeError(`\`rearrange\`: axis of size ${dim} cannot be split into (${g.join(' ')}). Received: axesLengths=${fmt(axesLengths)}`)
      size.set(unknown[0]!, dim === null ? null : dim / known)
    } else if (dim !== null && dim !== known) {
      throw new ShapeError(`\`rearrange\`: axis of size ${dim} does not match (${g.join(' ')}) = ${known}. Received: axesLengths=${fmt(axesLengths)}`)
    }
  })
  const prod = (g: Group): Dim => g.reduce<Dim>((acc, a) => (acc === null || size.get(a) === null ? null : acc * (size.get(a) as number)), 1)
  let y = reshapeTo(t, inAtoms.map((a) => size.get(a)!), 'rearrange')
  y = lax.transpose(y, outAtoms.map((a) => inAtoms.indexOf(a)))
  return reshapeTo(y, outG.map(prod), 'rearrange')
}
