/**
 * @file IntegerLookup on webgpu: int32 tensors are looked up on the device (no synchronous read) and give
 * Keras 3's outputs (the TensorFlow-ops golden data of `@kx/layers`, recorded with int64 inputs whose values fit
 * int32); host-side layers and lookups that need a read raise a typed `SyncReadError` naming the layer.
 */
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { SyncReadError, tensor, type NestedArray, type Tensor } from '@kx/core'
import { Hashing, deserializeLayer, registerBuiltinLayersPre } from '@kx/layers'
import { GPU_TIMEOUT, gpu, webgpuAvailable } from './gpu.js'

type Case = { class_name: string; config: Record<string, unknown>; input: NestedArray; output: NestedArray; dtype: string }
const T = JSON.parse(readFileSync(new URL('../../layers/test/golden/layers_pre_text.json', import.meta.url), 'utf8')) as Record<string, Case>

describe.skipIf(!webgpuAvailable('IntegerLookup on webgpu'))('IntegerLookup on webgpu', () => {
  registerBuiltinLayersPre()
  const on = (v: NestedArray): Tensor => tensor(v, { dtype: 'int32', backend: gpu.backend! })
  it.each(['il_int', 'il_mask', 'il_oov', 'il_multi_hot', 'il_invert'])('%s matches Keras', async (name) => {
    const c = T[name]!
    const y = deserializeLayer({ class_name: c.class_name, config: c.config }).apply(on(c.input)) as Tensor
    expect(y.backend).toBe(gpu.backend)
    expect(await y.array()).toEqual(c.output)
  }, GPU_TIMEOUT)
  it('host-side cases raise a SyncReadError naming the layer', () => {
    const c = T['il_oov_farmhash']!
    expect(() => deserializeLayer({ class_name: c.class_name, config: c.config }).apply(on(c.input))).toThrow(SyncReadError)
    expect(() => new Hashing({ numBins: 3, name: 'hash_me' }).apply(on([[1, 2]]))).toThrow(/Layer "hash_me" computes on the host/)
  }, GPU_TIMEOUT)
})
