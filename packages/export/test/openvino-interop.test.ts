/**
 * @file Interop: Python's `openvino` package reads the IR kx writes (`model.xml` + `model.bin`), keeps
 * its names and dynamic batch, and its CPU inference agrees with kx. Skipped without `.venv` unless
 * KX_REQUIRE_PYTHON=1.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tensor, threefry, type Tensor } from '@kx/core'
import { Conv2D, Dense, Flatten, GlobalAveragePooling2D, Input, LSTM, LayerNormalization, MaxPooling2D, Model } from '@kx/layers'
import { exportModel } from '../src/index.js'

const PYTHON = new URL('../../../.venv/bin/python', import.meta.url).pathname
const hasPython = existsSync(PYTHON)
if (!hasPython && process.env.KX_REQUIRE_PYTHON === '1') throw new Error(`KX_REQUIRE_PYTHON=1 but ${PYTHON} is missing (run tools/setup-python.sh)`)

const SCRIPT = `
import json, sys
import numpy as np, openvino as ov
core = ov.Core()
m = core.read_model(sys.argv[1])
x = np.array(json.loads(open(sys.argv[2]).read()), dtype=np.float32).reshape(${'{'}shape${'}'})
c = core.compile_model(m, "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
y = c([x])[c.outputs[0]]
print(json.dumps({"ok": True, "y": np.asarray(y).ravel().tolist(), "input": m.inputs[0].get_any_name(),
  "output": m.outputs[0].get_any_name(), "batch": str(m.inputs[0].get_partial_shape()[0])}))
`

/** Exports `model` as IR, runs it with Python openvino, and compares names, batch and values with kx. */
async function checkInPython(model: Model, shape: number[], inputName: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kx-ov-interop-'))
  const path = join(dir, 'model.xml')
  await exportModel(model, { format: 'openvino', path })
  const data = Float32Array.from(threefry.randomUniform([5, 3], shape.reduce((a, b) => a * b, 1), 'float32'))
  writeFileSync(join(dir, 'x.json'), JSON.stringify(Array.from(data)))
  const want = await (model.apply(tensor(data, { shape, dtype: 'float32' }), { training: false }) as Tensor).data()
  const res = spawnSync(PYTHON, ['-c', SCRIPT.replace('{shape}', shape.join(',')), path, join(dir, 'x.json')], { encoding: 'utf8' })
  expect(res.stderr.split('\n').filter((l) => /Error|Traceback/.test(l))).toEqual([])
  const out = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as { ok: boolean; y: number[]; input: string; output: string; batch: string }
  expect(out.ok).toBe(true)
  expect(out.input).toBe(inputName)
  expect(out.output).toBe('output_0')
  expect(out.batch).toBe('?')
  expect(out.y.length).toBe(want.length)
  out.y.forEach((v, i) => expect(Math.abs(v - (want[i] as number))).toBeLessThan(1e-4))
}

describe.skipIf(!hasPython)('OpenVINO IR export interop (Python openvino)', () => {
  it('Python openvino reads a CNN export (names, dynamic batch) and matches kx', async () => {
    const x = Input({ shape: [10, 10, 2], name: 'image' })
    let y = new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu' }).apply(x)
    y = new MaxPooling2D({ poolSize: 2 }).apply(y)
    y = new Flatten().apply(y)
    y = new Dense({ units: 3, activation: 'softmax' }).apply(y)
    await checkInPython(new Model({ inputs: x, outputs: y }), [3, 10, 10, 2], 'image')
  })

  it('a LayerNormalization + pooling export matches kx in Python openvino', async () => {
    const x = Input({ shape: [6, 6, 3], name: 'pixels' })
    let y = new Conv2D({ filters: 5, kernelSize: 2, padding: 'same' }).apply(x)
    y = new LayerNormalization().apply(y)
    y = new GlobalAveragePooling2D().apply(y)
    await checkInPython(new Model({ inputs: x, outputs: y }), [2, 6, 6, 3], 'pixels')
  })

  it('an LSTM export (TensorIterator sub-graph) matches kx in Python openvino', async () => {
    const x = Input({ shape: [6, 3], name: 'sequence' })
    const y = new Dense({ units: 2 }).apply(new LSTM({ units: 5 }).apply(x))
    await checkInPython(new Model({ inputs: x, outputs: y }), [2, 6, 3], 'sequence')
  })
})
