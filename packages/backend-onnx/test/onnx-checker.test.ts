/**
 * @file Interop: every conformance case that lowers becomes a one-primitive ONNX model (opset 18, the
 * export boundary) that ONNX's checker (`check_model(full_check=True)`, strict shape inference) accepts.
 * Skipped without `.venv` unless KX_REQUIRE_PYTHON=1.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { abstractEval, type BackendPrim } from '@kx/core'
import { CASES, caseId } from '@kx/backend-conformance'
import { encodeModel, loweringError, lowerProgram } from '../src/index.js'

const PYTHON = new URL('../../../.venv/bin/python', import.meta.url).pathname
const hasPython = existsSync(PYTHON)
if (!hasPython && process.env.KX_REQUIRE_PYTHON === '1') throw new Error(`KX_REQUIRE_PYTHON=1 but ${PYTHON} is missing (run tools/setup-python.sh)`)

const SCRIPT = `
import sys, glob, os, onnx
bad = []
files = sorted(glob.glob(os.path.join(sys.argv[1], '*.onnx')))
for f in files:
    try:
        onnx.checker.check_model(onnx.load(f), full_check=True)
    except Exception as e:
        bad.append(os.path.basename(f) + ': ' + str(e).splitlines()[0][:300])
print(len(files))
for b in bad: print(b)
`

describe.skipIf(!hasPython)('lowered primitives pass onnx.checker (full_check)', () => {
  it('every lowerable conformance case', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kx-onnx-check-'))
    let n = 0
    for (const [prim, cases] of Object.entries(CASES) as [BackendPrim, readonly { name: string; inputs: readonly { shape: readonly number[]; dtype: string }[]; params: unknown }[]][]) {
      for (const c of cases) {
        const ins = c.inputs.map((s) => ({ shape: s.shape, dtype: s.dtype as never }))
        const outs = abstractEval(prim, ins, c.params as never)
        if (loweringError(prim, ins, c.params, outs, 18)) continue
        const { model } = lowerProgram({
          inputs: ins.map((a, i) => ({ id: i, aval: a })), constants: [],
          equations: [{ prim, params: c.params, inputs: ins.map((_, i) => i), outputs: outs.map((a, i) => ({ id: ins.length + i, aval: a })) }],
          outputs: outs.map((_, i) => ({ id: ins.length + i })),
        }, { opset: 18, boundary: 'native' })
        writeFileSync(join(dir, `${caseId(prim, c.name).replace(/[^A-Za-z0-9_-]+/g, '_')}_${n++}.onnx`), encodeModel(model))
      }
    }
    const res = spawnSync(PYTHON, ['-c', SCRIPT, dir], { encoding: 'utf8', maxBuffer: 1 << 24 })
    const lines = res.stdout.trim().split('\n')
    expect(res.stderr.split('\n').filter((l) => /Traceback/.test(l))).toEqual([])
    expect(Number(lines[0])).toBe(n)
    expect(lines.slice(1)).toEqual([])
  }, 300_000)
})
