/**
 * @file The `keras.ops.image` namespace: color conversion, resizing and resampling, geometric
 * transforms, patches, borders and filters.
 */
export { rgbToGrayscale, rgbToHsv, hsvToRgb } from './color.js'
export { resize, scaleAndTranslate, weightMatrix } from './resize.js'
export type { ResizeInterpolation, ResizeOptions } from './resize.js'
export { mapCoordinates, affineTransform, perspectiveTransform, elasticTransform } from './geometry.js'
export type { FillMode } from './geometry.js'
export { extractPatches, extractPatches3d, reconstructPatches, padImages, cropImages } from './patches.js'
export type { ExtractPatchesOptions } from './patches.js'
export { gaussianBlur, sobelEdges, ssim } from './filters.js'
