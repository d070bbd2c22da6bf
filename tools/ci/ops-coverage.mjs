// Collects the per-op summaries the backends' ops-conformance tests write
// (packages/backend-*/temp/ops-conformance-<backend>.json), writes them to
// packages/ops-numpy/test/backend-coverage.json and packages/ops-nn/test/backend-coverage.json, then regenerates
// both READMEs' coverage tables (their coverage tests, with KX_UPDATE_README=1) with one column per backend.
// Usage: run the backend ops-conformance tests (KX_OPS_FULL=1 for every case on openvino / webgpu), then
//   node tools/ci/ops-coverage.mjs
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('../../', import.meta.url).pathname
// Column order of the tables.
const ORDER = ['tfjs-cpu', 'tfjs-wasm', 'onnx', 'openvino', 'webgpu']

const summaries = []
for (const dir of readdirSync(join(root, 'packages')).filter((d) => d.startsWith('backend-')).sort()) {
  const temp = join(root, 'packages', dir, 'temp')
  if (!existsSync(temp)) continue
  for (const f of readdirSync(temp).filter((n) => /^ops-conformance-.*\.json$/.test(n))) {
    summaries.push(JSON.parse(readFileSync(join(temp, f), 'utf8')))
  }
}
const rank = (s) => (ORDER.includes(s.backend) ? ORDER.indexOf(s.backend) : ORDER.length)
summaries.sort((a, b) => rank(a) - rank(b) || a.backend.localeCompare(b.backend))
if (summaries.length === 0) {
  console.error('no packages/backend-*/temp/ops-conformance-*.json: run the backends\' test/ops-conformance.test.ts first')
  process.exit(1)
}
console.log(`backends: ${summaries.map((s) => `${s.backend}${s.note ? ` (${s.note})` : ''}`).join(', ')}`)

const keep = (suites) => summaries.map((s) => ({
  ...s, ops: Object.fromEntries(Object.entries(s.ops).filter(([k]) => suites.includes(k.split(':')[0]))),
}))
writeFileSync(join(root, 'packages/ops-numpy/test/backend-coverage.json'), `${JSON.stringify(keep(['numpy']), null, 1)}\n`)
writeFileSync(join(root, 'packages/ops-nn/test/backend-coverage.json'), `${JSON.stringify(keep(['nn', 'image']), null, 1)}\n`)

for (const pkg of ['ops-numpy', 'ops-nn']) {
  execFileSync('pnpm', ['exec', 'vitest', 'run', 'test/coverage.test.ts'], {
    cwd: join(root, 'packages', pkg), env: { ...process.env, KX_UPDATE_README: '1' }, stdio: 'inherit',
  })
}
