/**
 * @file Interop: ONNX's own checker (`onnx.checker.check_model(full_check=True)`, Python) accepts what
 * kx exports, and Python's onnxruntime agrees with kx. Skipped without `.venv` unless KX_REQUIRE_PYTHON=1.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tensor, threefry, type Tensor } from '@kx/core'
import { AveragePooling2D, Conv2D, Dense, Flatten, Input, LSTM, MaxPooling2D, Model } from '@kx/layers'
import { exportModel } from '../src/index.js'

const PYTHON = new URL('../../../.venv/bin/python', import.meta.url).pathname
const hasPython = existsSync(PYTHON)
if (!hasPython && process.env.KX_REQUIRE_PYTHON === '1') throw new Error(`KX_REQUIRE_PYTHON=1 but ${PYTHON} is missing (run tools/setup-python.sh)`)

const SCRIPT = `
import json, sys
import numpy as np, onnx, onnxruntime as ort
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
x = np.array(json.loads(open(sys.argv[2]).read()), dtype=np.float32).reshape(${'{'}shape${'}'})
s = ort.InferenceSession(sys.argv[1], providers=['CPUExecutionProvider'])
y = s.run(None, {s.get_inputs()[0].name: x})[0]
print(json.dumps({"ok": True, "y": y.ravel().tolist(), "opset": m.opset_import[0].version}))
`

/** Exports `model`, runs the checker and Python onnxruntime on it, and compares with kx. */
async function checkInPython(model: Model, shape: number[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kx-onnx-interop-'))
  const path = join(dir, 'model.onnx')
  await exportModel(model, { format: 'onnx', opset: 18, path })
  const data = Float32Array.from(threefry.randomUniform([3, 3], shape.reduce((a, b) => a * b, 1), 'float32'))
  writeFileSync(join(dir, 'x.json'), JSON.stringify(Array.from(data)))
  const want = await (model.apply(tensor(data, { shape, dtype: 'float32' }), { training: false }) as Tensor).data()
  const res = spawnSync(PYTHON, ['-c', SCRIPT.replace('{shape}', shape.join(',')), path, join(dir, 'x.json')], { encoding: 'utf8' })
  expect(res.stderr.split('\n').filter((l) => /Error|Traceback/.test(l))).toEqual([])
  const out = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as { ok: boolean; y: number[]; opset: number }
  expect(out.ok).toBe(true)
  expect(out.opset).toBe(18)
  out.y.forEach((v, i) => expect(Math.abs(v - (want[i] as number))).toBeLessThan(1e-5))
}

describe.skipIf(!hasPython)('ONNX export interop (Python onnx + onnxruntime)', () => {
  it('onnx.checker (full_check) accepts a CNN export and Python onnxruntime matches kx', async () => {
    const x = Input({ shape: [10, 10, 2] })
    let y = new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu' }).apply(x)
    y = new MaxPooling2D({ poolSize: 2 }).apply(y)
    y = new AveragePooling2D({ poolSize: 2, padding: 'same' }).apply(y)
    y = new Flatten().apply(y)
    y = new Dense({ units: 3, activation: 'softmax' }).apply(y)
    await checkInPython(new Model({ inputs: x, outputs: y }), [3, 10, 10, 2])
  })

  it('an LSTM export (ONNX Loop sub-graph) passes the checker and matches kx', async () => {
    const x = Input({ shape: [6, 3] })
    const y = new Dense({ units: 2 }).apply(new LSTM({ units: 5 }).apply(x))
    await checkInPython(new Model({ inputs: x, outputs: y }), [2, 6, 3])
  })
})
