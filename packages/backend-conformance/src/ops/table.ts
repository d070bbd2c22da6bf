/**
 * @file Backend columns of the ops packages' coverage tables: per op and backend, pass / gap / n/s / fail with
 * the reason as a numbered footnote, from the summaries each backend's ops-conformance test writes.
 */
import type { OpsSummary, OpsSummaryEntry } from './results.js'

/** Merged summaries: the backends in column order, and per `suite:op` key each backend's entry. */
export interface OpsCoverage {
  readonly backends: readonly { readonly name: string; readonly note?: string }[]
  readonly ops: Readonly<Record<string, Readonly<Record<string, OpsSummaryEntry>>>>
}

/**
 * Merges backend summaries (keeping the ops of `suites` only) into one coverage record.
 *
 * @example
 * ```ts
 * const coverage = mergeOpsSummaries([cpu, wasm, onnx], ['numpy'])
 * ```
 */
export function mergeOpsSummaries(summaries: readonly OpsSummary[], suites: readonly string[]): OpsCoverage {
  const ops: Record<string, Record<string, OpsSummaryEntry>> = {}
  for (const s of summaries) {
    for (const [key, e] of Object.entries(s.ops)) {
      if (!suites.includes(key.split(':')[0]!)) continue
      ;(ops[key] ??= {})[s.backend] = e
    }
  }
  const sorted = Object.fromEntries(Object.keys(ops).sort().map((k) => [k, ops[k]!]))
  return { backends: summaries.map((s) => ({ name: s.backend, ...(s.note ? { note: s.note } : {}) })), ops: sorted }
}

const clip = (s: string, n = 220): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s).replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** Renders cells with footnotes: `cell(key, backend)` gives the text; `footnotes()` the numbered reasons. */
export class OpsCoverageRenderer {
  private readonly notes: string[] = []
  constructor(readonly coverage: OpsCoverage) {}

  private ref(reason: string): string {
    const text = clip(reason)
    let i = this.notes.indexOf(text)
    if (i < 0) { this.notes.push(text); i = this.notes.length - 1 }
    return `[${i + 1}]`
  }

  /**
   * The cell of one op (`suite:op`) on one backend: `pass`, `pass*` (some cases need a dtype the backend does not
   * declare), `gap [n]`, `n/s [n]`, `**fail** [n]`, or `–` when the backend ran no case of the op.
   */
  cell(key: string, backend: string): string {
    const e = this.coverage.ops[key]?.[backend]
    if (!e) return '–'
    const why = e.reasons.map((r) => this.ref(r)).join('')
    switch (e.status) {
      case 'pass': return e.unsupported ? `pass ${this.ref(`some cases not run: ${e.unsupportedReason ?? 'dtype not declared'}`)}` : 'pass'
      case 'gap': return `gap ${why}`
      case 'fail': return `**fail** ${why}`
      case 'n/s': return `n/s ${this.ref(e.unsupportedReason ?? 'dtype not declared')}`
      default: return '–'
    }
  }

  /** The numbered reasons used so far, then what each backend column ran. */
  footnotes(): string[] {
    const lines = this.notes.map((n, i) => `${i + 1}. ${n}`)
    const subsets = this.coverage.backends.filter((b) => b.note).map((b) => `${b.name}: ${b.note}`)
    return [...lines, ...(subsets.length ? ['', `Subsets run in CI: ${subsets.join('; ')}.`] : [])]
  }
}
