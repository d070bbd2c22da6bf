/** @file `pnpm bench`: runs the workload table (filtered by `--filter`), prints and writes the report. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { markdown, runWorkloads, value } from './harness.js'
import { WORKLOADS } from './workloads.js'

export async function main(argv: readonly string[], paths: { outDir: string; benchmarksMd: string }): Promise<void> {
  const arg = (name: string): string | undefined => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : undefined }
  const rounds = Number(arg('rounds') ?? 5)
  const sampleSeconds = Number(arg('sample') ?? 0.5)
  const filter = arg('filter')
  const selected = WORKLOADS.filter((w) => !filter || w.name.toLowerCase().includes(filter.toLowerCase()))
  const results = await runWorkloads(selected, { rounds, sampleSeconds, log: (l) => console.log(l) })
  const meta = { date: new Date().toISOString().slice(0, 16).replace('T', ' '), node: process.versions.node, cpu: `${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg()[0]!.toFixed(1)} at the end`, rounds }
  const md = markdown(results, meta)
  console.log(`\n${md}`)
  mkdirSync(paths.outDir, { recursive: true })
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  writeFileSync(join(paths.outDir, 'latest.md'), `${md}\n`)
  writeFileSync(join(paths.outDir, `${stamp}.json`), JSON.stringify({
    meta, results: results.map((r) => ({
      workload: r.workload.name, unit: r.workload.unit,
      medians: Object.fromEntries([...r.medians].map(([k, v]) => [k, value(r.workload, v)])),
      samples: Object.fromEntries([...r.samples].map(([k, v]) => [k, v.map((x) => value(r.workload, x))])),
      failures: Object.fromEntries(r.failures),
    })),
  }, null, 2))
  if (!filter && !argv.includes('--no-write')) {
    writeFileSync(paths.benchmarksMd, `# Benchmarks\n\nWritten by \`pnpm bench\` (tools/bench). Workloads and peers: ../shared/PEERS.md. Ratios come from one\nrun with kx and the peer interleaved; absolute numbers move between runs on shared machines.\n\n${md}\n`)
  }
}
