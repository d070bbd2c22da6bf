/** @file `keras.config`: floatx, epsilon, image data format, dtype policy, backend name. */
export { floatx, setFloatx, epsilon, setEpsilon, imageDataFormat, setImageDataFormat, backendName as backend, setRandomSeed } from '@kx/core'
export { dtypePolicy, setDtypePolicy } from '@kx/layers'
