/**
 * @file The benchmark harness: workloads are small modules registered in a table; each has one or more
 * implementations (kx on an engine, or a peer), run interleaved in rounds; the report gives medians and
 * kx ÷ peer ratios per engine.
 */

/** One timed unit of work, ready to run. */
export interface Runner {
  /** Runs one iteration; must leave no pending work behind (read back or sync as the engine needs). */
  step(): void | Promise<void>
  /** Runs before each timed sample, untimed (e.g. selecting tfjs's global backend for a peer). */
  beforeSample?(): void | Promise<void>
  dispose?(): void | Promise<void>
}

/** An implementation of a workload: kx on an engine, or a peer library. */
export interface Impl {
  /** Display name, e.g. `kx tfjs-wasm`, `tfjs-layers wasm`. */
  readonly id: string
  /** `kx` or `peer`: ratios are kx ÷ peer between impls of the same `engine`. */
  readonly side: 'kx' | 'peer'
  /** The engine it runs on (`wasm`, `cpu`, …): kx and peer on one engine are compared. */
  readonly engine: string
  setup(): Promise<Runner>
}

/** What a workload measures: work units per step (samples, FLOPs, ops) and how to print them. */
export interface Workload {
  readonly name: string
  /** Short description: shapes, batch, optimizer. */
  readonly detail: string
  /** `throughput`: units per second (higher is better); `latency`: seconds per unit (lower is better). */
  readonly kind: 'throughput' | 'latency'
  /** Unit label of the reported number, e.g. `samples/s`, `GFLOP/s`, `µs/op`, `ms/batch`. */
  readonly unit: string
  /** Units of work per step (e.g. batch size, FLOPs / 1e9, ops). */
  readonly unitsPerStep: number
  /** Converts seconds per unit into the printed number (e.g. × 1e6 for µs). */
  readonly latencyScale?: number
  readonly impls: readonly Impl[]
}

export interface Sample { readonly impl: string; readonly perSecond: number }
export interface WorkloadResult {
  readonly workload: Workload
  readonly medians: ReadonlyMap<string, number>
  readonly samples: ReadonlyMap<string, number[]>
  readonly failures: ReadonlyMap<string, string>
}

export interface RunOptions {
  readonly rounds: number
  /** Target seconds per sample (iterations are calibrated to it). */
  readonly sampleSeconds: number
  readonly log: (line: string) => void
}

const now = (): number => performance.now() / 1000

async function timeSteps(r: Runner, n: number): Promise<number> {
  const t0 = now()
  for (let i = 0; i < n; i++) await r.step()
  return now() - t0
}

const median = (xs: readonly number[]): number => {
  const s = xs.slice().sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/**
 * Runs every workload: all its impls are set up, warmed up and calibrated, then measured in `rounds`
 * interleaved rounds (impl order rotates each round) so drifting machine load hits all of them alike.
 */
export async function runWorkloads(workloads: readonly Workload[], o: RunOptions): Promise<WorkloadResult[]> {
  const results: WorkloadResult[] = []
  for (const w of workloads) {
    o.log(`\n${w.name} — ${w.detail}`)
    const runners = new Map<string, { runner: Runner; iters: number }>()
    const failures = new Map<string, string>()
    for (const impl of w.impls) {
      try {
        const runner = await impl.setup()
        await runner.beforeSample?.()
        await timeSteps(runner, 2)
        // Calibrate: iterations per sample so one sample takes about sampleSeconds.
        let n = 1
        let t = await timeSteps(runner, n)
        while (t < o.sampleSeconds / 4 && n < 1e6) { n *= 4; t = await timeSteps(runner, n) }
        runners.set(impl.id, { runner, iters: Math.max(1, Math.round(n * o.sampleSeconds / Math.max(t, 1e-9))) })
      } catch (e) {
        failures.set(impl.id, (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 160))
        o.log(`  ${impl.id}: fails — ${failures.get(impl.id)}`)
      }
    }
    const samples = new Map<string, number[]>([...runners.keys()].map((k) => [k, []]))
    const ids = [...runners.keys()]
    for (let round = 0; round < o.rounds; round++) {
      for (let k = 0; k < ids.length; k++) {
        const id = ids[(k + round) % ids.length]!
        const { runner, iters } = runners.get(id)!
        try {
          await runner.beforeSample?.()
          const t = await timeSteps(runner, iters)
          samples.get(id)!.push((iters * w.unitsPerStep) / t)
        } catch (e) {
          failures.set(id, (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 160))
          runners.delete(id)
        }
      }
    }
    const medians = new Map<string, number>()
    for (const [id, xs] of samples) if (xs.length) medians.set(id, median(xs))
    for (const [id, m] of medians) o.log(`  ${id}: ${format(w, m)} ${w.unit}`)
    for (const { runner } of runners.values()) await runner.dispose?.()
    results.push({ workload: w, medians, samples, failures })
  }
  return results
}

/** The printed number: units/s for throughput, seconds/unit × scale for latency. */
export function value(w: Workload, perSecond: number): number {
  return w.kind === 'throughput' ? perSecond : (1 / perSecond) * (w.latencyScale ?? 1)
}
function format(w: Workload, perSecond: number): string {
  const v = value(w, perSecond)
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(3)
}

/** Markdown: one row per workload × engine, with kx, the peer and the speed ratio kx ÷ peer. */
export function markdown(results: readonly WorkloadResult[], meta: { date: string; node: string; cpu: string; rounds: number }): string {
  const lines = [
    `Run ${meta.date} · Node ${meta.node} · ${meta.cpu} · ${meta.rounds} interleaved rounds, medians.`,
    'Speed ratio = kx ÷ peer in throughput (peer ÷ kx in latency): above 1 means kx is faster.',
    '',
    '| workload | engine | kx | peer | unit | speed ratio (kx ÷ peer) |',
    '|---|---|---|---|---|---|',
  ]
  for (const r of results) {
    const w = r.workload
    const engines = [...new Set(w.impls.map((i) => i.engine))]
    for (const e of engines) {
      const kx = w.impls.filter((i) => i.engine === e && i.side === 'kx')
      const peer = w.impls.find((i) => i.engine === e && i.side === 'peer')
      const cell = (id: string | undefined): string => {
        if (!id) return '–'
        if (r.failures.has(id) && !r.medians.has(id)) return `fails (${r.failures.get(id)!.replace(/\|/g, '/').slice(0, 80)})`
        const m = r.medians.get(id)
        return m === undefined ? '–' : `${format(w, m)}${kx.length > 1 && id !== peer?.id ? ` (${id.replace(/^kx /, '')})` : ''}`
      }
      for (const k of kx.length ? kx : [undefined]) {
        const km = k ? r.medians.get(k.id) : undefined
        const pm = peer ? r.medians.get(peer.id) : undefined
        const ratio = km !== undefined && pm !== undefined ? (km / pm).toFixed(2) : '–'
        lines.push(`| ${w.name} | ${e} | ${cell(k?.id)} | ${cell(peer?.id)} | ${w.unit} | ${ratio} |`)
      }
    }
  }
  return lines.join('\n')
}
