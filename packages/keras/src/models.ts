/** @file `keras.models`: Model, Sequential, Functional and model (de)serialization. */
export { Model, Sequential, Functional, serializeLayer as serialize, deserializeLayer as deserialize } from '@kx/layers'
