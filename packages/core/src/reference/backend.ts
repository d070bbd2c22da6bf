/** @file The `reference` backend: every primitive on plain typed arrays, float64-capable, no dependencies. */
import type { Backend, BackendTensor, OutputSpec } from '../backend.js'
import { ALL_DTYPES, allocTyped, roundBFloat16, roundFloat16, type DType, type TypedArray } from '../dtype.js'
import type { BackendPrim, BackendPrimParams } from '../primitives/types.js'
import type { RefImpl, RefImplTable, RefTensor } from './types.js'
import { provideReferenceBackend } from '../registry.js'
import { elementwiseImpls } from './elementwise.js'
import { reduceImpls } from './reduce.js'
import { movementImpls } from './movement.js'
import { indexingImpls } from './indexing.js'
import { linearImpls } from './linear.js'
import { routineImpls } from './routines.js'

/** Every reference implementation, exhaustive by type. */
export const REFERENCE_IMPLS = {
  ...elementwiseImpls, ...reduceImpls, ...movementImpls, ...indexingImpls, ...linearImpls, ...routineImpls,
} satisfies RefImplTable as RefImplTable

interface RefData { values: TypedArray }

function roundStorage(values: TypedArray, dtype: DType): TypedArray {
  if (dtype === 'float16') for (let i = 0; i < values.length; i++) values[i] = roundFloat16(values[i] as number)
  else if (dtype === 'bfloat16') for (let i = 0; i < values.length; i++) values[i] = roundBFloat16(values[i] as number)
  return values
}

/**
 * Creates the reference backend: the correctness oracle of the conformance kit and the fallback
 * that always works. Synchronous, so it needs no `await ready()`. The registry's built-in
 * `reference` entry runs it whenever this module is loaded: always in Node; in a browser bundle, only
 * when the app uses it (registering it as below keeps it in the bundle).
 *
 * @example
 * ```ts
 * registerBackend('reference', createReferenceBackend, { priority: 0 })
 * ```
 */
export function createReferenceBackend(): Backend {
  let numTensors = 0
  let numBytes = 0
  const asRef = (t: BackendTensor): RefTensor => ({ values: (t.dataId as RefData).values, shape: t.shape, dtype: t.dtype })
  const wrap = (values: TypedArray): RefData => {
    numTensors++
    numBytes += values.byteLength
    return { values }
  }
  return {
    name: 'reference',
    capabilities: { dtypes: new Set(ALL_DTYPES), syncRead: true, training: true, fused: new Set(), compilesGraphs: false },
    upload(values, _shape, dtype) {
      const copy = allocTyped(dtype, values.length)
      ;(copy as Float64Array).set(values as ArrayLike<number>)
      return wrap(roundStorage(copy, dtype))
    },
    async read(t) { return (t.dataId as RefData).values.slice() },
    readSync(t) { return (t.dataId as RefData).values.slice() },
    disposeData(dataId) {
      const d = dataId as RefData
      numTensors--
      numBytes -= d.values.byteLength
    },
    run<P extends BackendPrim>(prim: P, inputs: readonly BackendTensor[], params: BackendPrimParams[P], outputs: readonly OutputSpec[]) {
      const impl = REFERENCE_IMPLS[prim] as RefImpl<P>
      const results = impl(inputs.map(asRef), params, outputs)
      return results.map((v, i) => wrap(roundStorage(v, outputs[i]!.dtype)))
    },
    memory: () => ({ numTensors, numBytes }),
  }
}

// Makes the registry's `reference` entry synchronous from now on (see registry.ts).
provideReferenceBackend(createReferenceBackend)
