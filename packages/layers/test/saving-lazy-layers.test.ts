// The `@kx/layers/saving` entry: its loaders import only the layer modules a file's config names.
// NOTE: this file imports no package-root module (vitest isolates each test file's module graph), so the
// eager registrar (`registerBuiltinLayers`) is never loaded here and the registry starts without the zoo.
import { describe, expect, it } from 'vitest'
import { InvalidArgumentError, tensor, type Tensor } from '@kx/core'
import { Input } from '../src/engine/InputLayer.js'
import { Sequential } from '../src/engine/Sequential.js'
import { layerRegistry } from '../src/engine/serialization.js'
import { Dense } from '../src/layers/core/Dense.js'
import { LAYER_MODULES } from '../src/layers/builtins-table.js'
import { getConstraintHooks, getRegularizerHooks } from '../src/engine/hooks.js'
import { deserializeLayer, loadLayerClasses, loadLayersModel, loadModel, memoryFiles, saveLayersModel, saveModel } from '../src/index-saving.js'

const dense = () => new Sequential({ layers: [Input({ shape: [2] }), new Dense({ units: 3, activation: 'relu' })] })

describe('@kx/layers/saving loads layer classes lazily', () => {
  it('a sync deserialize of an unregistered built-in says how to register it', () => {
    expect(layerRegistry.has('Conv2D')).toBe(false)
    expect(() => deserializeLayer({ class_name: 'Conv2D', config: { filters: 2, kernel_size: 3 } })).toThrow(InvalidArgumentError)
    expect(() => deserializeLayer({ class_name: 'Conv2D', config: { filters: 2, kernel_size: 3 } })).toThrow(/registerBuiltinLayers\(\)|loadLayerClasses/)
  })

  it('loadLayerClasses imports the regularizers and constraints a config names (layers resolve them through hooks)', async () => {
    // Nothing here has loaded those modules yet: Dense resolves them through hooks, which their modules install.
    expect(getRegularizerHooks()).toBeUndefined()
    expect(getConstraintHooks()).toBeUndefined()
    const env = (module: string, name: string, config: object) => ({ module, class_name: name, config, registered_name: null })
    const config = {
      class_name: 'Dense',
      config: { name: 'd', units: 2, kernel_regularizer: env('keras.regularizers', 'L2', { l2: 0.25 }), bias_constraint: env('keras.constraints', 'NonNeg', {}) },
    }
    await loadLayerClasses(config)
    const layer = deserializeLayer(config) as Dense
    expect(layer.kernelRegularizer?.getConfig()).toEqual({ l2: 0.25 })
    expect(layer.biasConstraint?.className).toBe('NonNeg')
    expect(layer.getConfig()).toMatchObject({ kernel_regularizer: { class_name: 'L2', config: { l2: 0.25 } }, bias_constraint: { class_name: 'NonNeg' } })
  })

  it('loadModel (.keras) registers only the classes the file names and predicts the same', async () => {
    const model = dense()
    const x = tensor([[0.5, -1]], { dtype: 'float32' })
    const files = memoryFiles()
    await saveModel(model, files)
    const again = await loadModel(files.source('model.keras'))
    expect(layerRegistry.has('Dense')).toBe(true)
    expect(layerRegistry.has('LSTM')).toBe(false)
    expect(again.layers[0]).toBeInstanceOf(Dense)
    expect(await (again.apply(x) as Tensor).array()).toEqual(await (model.apply(x) as Tensor).array())
  })

  it('loadLayersModel (TF.js format) does the same', async () => {
    const model = dense()
    const files = memoryFiles()
    await saveLayersModel(model, files)
    const again = await loadLayersModel(files.source('model.json'))
    const x = tensor([[2, 3]], { dtype: 'float32' })
    expect(await (again.apply(x) as Tensor).array()).toEqual(await (model.apply(x) as Tensor).array())
  })

  it('finds nested class names (wrapper and cell) and leaves other names alone', async () => {
    const config = { class_name: 'Bidirectional', config: { layer: { class_name: 'GRU', config: { units: 2 } } }, extra: { class_name: 'NotALayer' } }
    await loadLayerClasses(config)
    expect(layerRegistry.has('Bidirectional') && layerRegistry.has('GRU')).toBe(true)
    expect(layerRegistry.has('NotALayer')).toBe(false)
    await loadLayerClasses('{ not json')
  })

  it('every name of the table resolves to a class with fromConfig (aliases included)', async () => {
    const names = Object.values(LAYER_MODULES).flatMap((classes) => classes.flat())
    await loadLayerClasses({ layers: names.map((n) => ({ class_name: n })) })
    for (const n of names) expect(typeof (layerRegistry.lookup(n) as { fromConfig?: unknown } | undefined)?.fromConfig, n).toBe('function')
    expect(layerRegistry.lookup('GroupQueryAttention')).toBe(layerRegistry.lookup('GroupedQueryAttention'))
  })

  it('Model.save/saveWeights/loadWeights without the package root say where the writer is', async () => {
    // The root installs the file hooks; this entry alone does not, so its bundles carry no writer.
    const model = dense()
    const files = memoryFiles()
    await expect(model.save(files)).rejects.toThrow(InvalidArgumentError)
    await expect(model.save(files)).rejects.toThrow(/Model\.save\(\).*`@kx\/layers`.*saveModel\(model, path\)/)
    await expect(model.saveWeights(files)).rejects.toThrow(/Model\.saveWeights\(\).*saveWeights\(model, path\)/)
    await expect(model.loadWeights(files.source('x.weights.h5'))).rejects.toThrow(/Model\.loadWeights\(\)/)
  })
})
