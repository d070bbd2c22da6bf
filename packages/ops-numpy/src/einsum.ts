/**
 * @file `einsum`: Einstein summation with ellipses, repeated labels (diagonals) and implicit
 * outputs, lowered to sums, diagonal gathers and a left-to-right chain of `dot_general` calls.
 */
import { InvalidArgumentError, ShapeError, Tensor, fmt, isBool, lax } from '@kx/core'
import type { DType, Dim } from '@kx/core'
import { backendOfArgs, toTensor, type TensorLike } from './convert.js'
import { broadcastTo, cast, resultDType } from './promote.js'
import { like } from './elementwise.js'
import { reshapeTo } from './shape-util.js'

interface Term { labels: string[]; t: Tensor }

const ELL = (i: number): string => String.fromCharCode(0x100 + i)

function parseTerm(s: string, rank: number, maxEll: number, where: string): string[] {
  const parts = s.split('...')
  if (parts.length > 2) throw new InvalidArgumentError(`\`einsum\`: more than one ellipsis in a term. Received: ${where}`)
  for (const c of s.replace('...', '')) {
    if (!/[a-zA-Z]/.test(c)) throw new InvalidArgumentError(`\`einsum\`: invalid subscript character ${fmt(c)}. Received: subscripts=${fmt(where)}`)
  }
  if (parts.length === 1) {
    if (rank >= 0 && s.length !== rank) throw new ShapeError(`\`einsum\`: term "${s}" has ${s.length} labels for an operand of rank ${rank}. Received: subscripts=${fmt(where)}`)
    return s.split('')
  }
  const explicit = parts[0]!.length + parts[1]!.length
  const e = rank >= 0 ? rank - explicit : maxEll
  if (e < 0) throw new ShapeError(`\`einsum\`: term "${s}" has more labels than the operand's rank ${rank}. Received: subscripts=${fmt(where)}`)
  const ell = Array.from({ length: e }, (_, i) => ELL(maxEll - e + i))
  return [...parts[0]!.split(''), ...ell, ...parts[1]!.split('')]
}

/** Takes the diagonal of the first repeated label until none is left. */
function diagonalize(term: Term): Term {
  let { labels, t } = term
  for (;;) {
    const dup = labels.findIndex((l, i) => labels.indexOf(l) !== i)
    if (dup < 0) return { labels, t }
    const first = labels.indexOf(labels[dup]!)
    const n = t.shape[first]
    if (n === null || n === undefined || t.shape[dup] !== n) throw new ShapeError(`\`einsum\`: repeated label "${labels[dup]}" needs equal, known sizes. Received: shape=${fmt(t.shape)}`)
    const r = t.shape.length
    const rest = Array.from({ length: r }, (_, i) => i).filter((i) => i !== first && i !== dup)
    const moved = lax.transpose(t, [...rest, first, dup])
    const flat = reshapeTo(moved, [...rest.map((i) => t.shape[i]!), n * n], 'einsum')
    const idx = lax.mul(lax.iota('int32', [n], 0), broadcastTo(toTensor(n + 1, 'int32', t.isSymbolic ? undefined : t.backend), [n]))
    t = lax.gather(flat, idx, rest.length)
    labels = [...rest.map((i) => labels[i]!), labels[first]!]
  }
}

/** Sums out labels of `term` that no other operand nor the output needs. */
function sumUnneeded(term: Term, needed: ReadonlySet<string>): Term {
  const axes = term.labels.map((l, i) => (needed.has(l) ? -1 : i)).filter((i) => i >= 0)
  if (axes.length === 0) return term
  return { labels: term.labels.filter((l) => needed.has(l)), t: lax.reduceSum(term.t, axes) }
}

function sizeOfLabel(terms: readonly Term[], label: string): Dim {
  let size: Dim = 1
  for (const { labels, t } of terms) {
    labels.forEach((l, i) => {
      if (l !== label) return
      const d = t.shape[i]!
      if (d === 1) return
      if (size === 1 || size === null) size = d
      else if (d !== null && d !== size) throw new ShapeError(`\`einsum\`: label "${label}" has sizes ${size} and ${d}. Received: shapes=${terms.map((u) => fmt(u.t.shape)).join(', ')}`)
    })
  }
  return size
}

/** Broadcasts size-1 dims of the labels in `which` to their full size. */
function expandLabels(term: Term, which: readonly string[], sizes: ReadonlyMap<string, Dim>): Term {
  const target = term.t.shape.map((d, i) => (which.includes(term.labels[i]!) && d === 1 ? sizes.get(term.labels[i]!)! : d))
  return { labels: term.labels, t: broadcastTo(term.t, target) }
}

/**
 * Einstein summation (`np.einsum`): `einsum('ij,jk->ik', a, b)` is a matmul. Supports `...`,
 * repeated labels within an operand (diagonals) and the implicit output (labels used once, sorted).
 *
 * @example
 * ```ts
 * einsum('bij,bjk->bik', a, b)
 * einsum('ii', m) // trace
 * ```
 */
export function einsum(subscripts: string, ...operands: TensorLike[]): Tensor {
  if (typeof subscripts !== 'string') throw new InvalidArgumentError(`\`einsum\` needs a subscripts string. Received: ${fmt(subscripts)}`)
  const spec = subscripts.replace(/\s+/g, '')
  const [lhs, rhs] = spec.split('->') as [string, string | undefined]
  const inTerms = lhs.split(',')
  if (inTerms.length !== operands.length) {
    throw new InvalidArgumentError(`\`einsum\`: ${inTerms.length} terms for ${operands.length} operands. Received: subscripts=${fmt(subscripts)}`)
  }
  const b = backendOfArgs(operands)
  const raw = operands.map((o) => toTensor(o, undefined, b))
  const dts = [...new Set(raw.map((t) => t.dtype))]
  let out: DType = dts.length === 1 && dts[0] === 'int8' ? 'int32' : resultDType(...raw)
  const compute: DType = isBool(out) ? 'int32' : out
  const ts = raw.map((t) => cast(t, compute))
  const maxEll = Math.max(0, ...inTerms.map((s, i) => (s.includes('...') ? ts[i]!.shape.length - (s.length - 3) : 0)))
  const parsed = inTerms.map((s, i) => parseTerm(s, ts[i]!.shape.length, maxEll, subscripts))
  let terms: Term[] = parsed.map((labels, i) => diagonalize({ labels, t: ts[i]! }))
  let outLabels: string[]
  if (rhs !== undefined) {
    outLabels = parseTerm(rhs, -1, maxEll, subscripts)
    const all = new Set(terms.flatMap((u) => u.labels))
    for (const l of outLabels) if (!all.has(l)) throw new InvalidArgumentError(`\`einsum\`: output label "${l}" is not in any input. Received: subscripts=${fmt(subscripts)}`)
    if (new Set(outLabels).size !== outLabels.length) throw new InvalidArgumentError(`\`einsum\`: repeated output label. Received: subscripts=${fmt(subscripts)}`)
  } else {
    const counts = new Map<string, number>()
    for (const ls of parsed) for (const l of ls) counts.set(l, (counts.get(l) ?? 0) + 1)
    const ells = Array.from({ length: maxEll }, (_, i) => ELL(i))
    outLabels = [...ells, ...[...counts.entries()].filter(([l, c]) => c === 1 && l.charCodeAt(0) < 0x100).map(([l]) => l).sort()]
  }
  const sizes = new Map<string, Dim>()
  for (const l of new Set(terms.flatMap((u) => u.labels))) sizes.set(l, sizeOfLabel(terms, l))

  const neededAfter = (k: number, extra: readonly Term[] = []): Set<string> => new Set([...outLabels, ...terms.slice(k).flatMap((u) => u.labels), ...extra.flatMap((u) => u.labels)])
  let acc = sumUnneeded(terms[0]!, neededAfter(1))
  for (let k = 1; k < terms.length; k++) {
    let other = sumUnneeded(terms[k]!, neededAfter(k + 1, [acc]))
    acc = sumUnneeded(acc, neededAfter(k + 1, [other]))
    const later = neededAfter(k + 1)
    const common = acc.labels.filter((l) => other.labels.includes(l))
    acc = expandLabels(acc, common, sizes)
    other = expandLabels(other, common, sizes)
    const batch = common.filter((l) => later.has(l))
    const contract = common.filter((l) => !later.has(l))
    const pos = (u: Term, ls: readonly string[]): number[] => ls.map((l) => u.labels.indexOf(l))
    const t = lax.dotGeneral(acc.t, other.t, [pos(acc, contract), pos(other, contract)], [pos(acc, batch), pos(other, batch)])
    const free = (u: Term): string[] => u.labels.filter((l) => !common.includes(l))
    acc = { labels: [...batch, ...free(acc), ...free(other)], t }
  }
  acc = sumUnneeded(acc, new Set(outLabels))
  // Output labels missing from the result (broadcast size-1 ellipsis dims) are inserted as unit axes.
  let t = acc.t
  let labels = acc.labels
  const missing = outLabels.filter((l) => !labels.includes(l))
  if (missing.length) {
    t = reshapeTo(t, [...t.shape, ...missing.map(() => 1)], 'einsum')
    labels = [...labels, ...missing]
  }
  t = lax.transpose(t, outLabels.map((l) => labels.indexOf(l)))
  if (isBool(out)) return lax.ne(t, like(t, 0))
  out = out === compute ? out : out
  return cast(t, out)
}
