/**
 * @file Checks of the convolution / pooling / normalization layers against the real Keras 3
 * (tools/golden/layers_b.py → golden/layers_b.json): configs and envelopes key for key, weight
 * names / shapes / order, inference outputs, training outputs and the weights after a training call
 * (BatchNormalization's moving statistics, SpectralNormalization's kernel), compute_output_shape, losses.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { tensor, type NestedArray, type Tensor } from '@kx/core'
import { deserializeLayer, serializeLayer, type Layer } from '../src/index.js'
import { registerBuiltinLayersB } from '../src/layers/index-b.js'
import { expectClose, flatNumbers } from './harness.js'

interface WeightCase { path: string; shape: number[]; trainable: boolean; value: NestedArray }
interface GoldenCase {
  group: 'conv' | 'pooling' | 'norm'; name: string; class_name: string; input_shape: number[]; inputs: NestedArray
  call_kwargs: { mask?: boolean[][] }; weights: WeightCase[]; output: NestedArray; output_shape: number[]; losses: number[]
  output_training?: NestedArray; weights_after_training?: { path: string; value: NestedArray }[]
  compute_output_shape: unknown; config: Record<string, unknown>; envelope: Record<string, unknown>; build_config: Record<string, unknown> | null
}

const golden = JSON.parse(readFileSync(new URL('./golden/layers_b.json', import.meta.url), 'utf8')) as { layers: GoldenCase[] }
const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v))
const leaf = (path: string): string => path.split('/').at(-1)!

/** Registers one `describe` with a test per golden case of `group`. */
export function describeGolden(group: GoldenCase['group']): void {
  registerBuiltinLayersB()
  describe(`${group} layers match Keras 3`, () => {
    for (const c of golden.layers.filter((g) => g.group === group)) {
      it(c.name, async () => {
        const layer = deserializeLayer(c.envelope) as Layer
        expect(layer.className).toBe(c.class_name)
        expect(json(layer.getConfig()), 'config key for key').toEqual(c.config)
        const env = json(serializeLayer(layer)) as Record<string, unknown>
        delete env['build_config']
        expect(env, 'envelope').toEqual(c.envelope)
        layer.buildFromConfig(c.build_config ?? { input_shape: c.input_shape })
        expect(layer.weights.map((w) => [leaf(w.path), w.shape, w.trainable]), 'weights in Keras order').toEqual(c.weights.map((w) => [leaf(w.path), w.shape, w.trainable]))
        layer.setWeights(c.weights.map((w) => w.value))
        const x = tensor(c.inputs, { dtype: 'float32' })
        const mask = c.call_kwargs.mask ? tensor(c.call_kwargs.mask, { dtype: 'bool' }) : undefined
        const out = layer.apply(x, { training: false, ...(mask ? { mask } : {}) }) as Tensor
        expect(out.shape, 'output shape').toEqual(c.output_shape)
        expectClose(await out.array(), c.output, 1e-5, `${c.name} output`)
        const losses = await Promise.all(layer.losses.map(async (l) => flatNumbers(await l.array())[0]!))
        expectClose(losses.sort(), [...c.losses].sort(), 1e-5, 'losses')
        if (c.output_training) {
          const outT = layer.apply(x, { training: true, ...(mask ? { mask } : {}) }) as Tensor
          expectClose(await outT.array(), c.output_training, 1e-5, `${c.name} training output`)
          const after = new Map(c.weights_after_training!.map((w) => [leaf(w.path), w.value]))
          for (const w of layer.weights) expectClose(await w.value.array(), after.get(leaf(w.path))!, 1e-5, `${w.path} after training`)
        }
        const none = [null, ...c.input_shape.slice(1)]
        expect(json(layer.computeOutputShape(none)), 'compute_output_shape').toEqual(c.compute_output_shape)
      })
    }
  })
}
