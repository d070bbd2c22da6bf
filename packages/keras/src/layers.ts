/** @file `keras.layers`: every layer class, the functional merge forms, and `serialize`/`deserialize`. */
export * from '@kx/layers'
export { serializeLayer as serialize, deserializeLayer as deserialize } from '@kx/layers'
