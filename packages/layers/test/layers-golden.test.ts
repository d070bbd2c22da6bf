/** Layers checked against the real Keras 3 (tools/golden/layers_core.py): configs key for key, outputs, masks, shapes, losses. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { tensor, type DType, type Tensor, type NestedArray } from '@kx/core'
import { deserializeLayer, serializeLayer, getKerasMask, type Layer } from '../src/index.js'
import '../src/layers/index.js'
import { expectClose, flatNumbers } from './harness.js'

interface LayerCase {
  name: string; class_name: string; config: Record<string, unknown>; envelope: Record<string, unknown>; build_config: Record<string, unknown>
  input_dtype: DType; inputs: NestedArray; input_shapes: number[] | number[][]; call_kwargs: Record<string, unknown>
  weights: { path: string; shape: number[]; trainable: boolean; value: NestedArray }[]
  output: NestedArray; output_shape: number[]; output_mask: NestedArray | null; compute_output_shape: unknown; losses: number[]
}
const golden = JSON.parse(readFileSync(new URL('./golden/layers_core.json', import.meta.url), 'utf8')) as { layers: LayerCase[] }
const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v))

describe('layers match Keras 3', () => {
  for (const c of golden.layers) {
    it(c.name, async () => {
      const layer = deserializeLayer(c.envelope) as Layer
      expect(layer.className).toBe(c.class_name)
      expect(json(layer.getConfig()), 'config key for key').toEqual(c.config)
      const env = json(serializeLayer(layer)) as Record<string, unknown>
      delete env['build_config']
      expect(env, 'envelope').toEqual(c.envelope)
      layer.buildFromConfig(c.build_config)
      // NOTE: matched by name: kx creates a LoRA-frozen kernel as non-trainable, so it lists after the trainable weights.
      const byName = new Map(c.weights.map((w) => [w.path.split('/').at(-1)!, w]))
      expect(layer.weights.map((w) => [w.path.split('/').at(-1), w.shape, w.trainable]).sort(), 'weights').toEqual(c.weights.map((w) => [w.path.split('/').at(-1), w.shape, w.trainable]).sort())
      layer.setWeights(layer.weights.map((w) => byName.get(w.path.split('/').at(-1)!)!.value))
      const multi = Array.isArray(c.input_shapes[0])
      const inputs = multi ? (c.inputs as NestedArray[]).map((x) => tensor(x, { dtype: c.input_dtype })) : tensor(c.inputs, { dtype: c.input_dtype })
      const out = layer.apply(inputs, c.call_kwargs) as Tensor
      expect(out.shape, 'output shape').toEqual(c.output_shape)
      expectClose(await out.array(), c.output, 1e-5, `${c.name} output`)
      if (c.output_mask !== null) {
        const mask = (getKerasMask(out) ?? layer.computeMask(inputs, null)) as Tensor
        expect(await mask.array(), 'output mask').toEqual(c.output_mask)
      }
      const none = multi ? (c.input_shapes as number[][]).map((s) => [null, ...s.slice(1)]) : [null, ...(c.input_shapes as number[]).slice(1)]
      expect(json(layer.computeOutputShape(none as never)), 'compute_output_shape').toEqual(c.compute_output_shape)
      const losses = await Promise.all(layer.losses.map(async (l) => flatNumbers(await l.array())[0]!))
      expectClose(losses.sort(), [...c.losses].sort(), 1e-5, 'losses')
    })
  }
})
