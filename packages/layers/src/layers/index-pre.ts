/** @file The preprocessing layers' public names (Keras `keras.layers` preprocessing and image augmentation layers). */
export { Normalization, Discretization, CategoryEncoding, Rescaling } from './preprocessing/numeric.js'
export type { NormalizationArgs, DiscretizationArgs, CategoryEncodingArgs, RescalingArgs, AdaptData } from './preprocessing/numeric.js'
export { Hashing, HashedCrossing } from './preprocessing/hashing.js'
export type { HashingArgs, HashedCrossingArgs } from './preprocessing/hashing.js'
export { IndexLookup, StringLookup, IntegerLookup } from './preprocessing/lookup.js'
export type { IndexLookupArgs, StringLookupArgs, IntegerLookupArgs, LookupOutputMode } from './preprocessing/lookup.js'
export { TextVectorization } from './preprocessing/TextVectorization.js'
export type { TextVectorizationArgs, StandardizeFn, SplitFn } from './preprocessing/TextVectorization.js'
export { MelSpectrogram, STFTSpectrogram } from './preprocessing/audio.js'
export type { MelSpectrogramArgs, STFTSpectrogramArgs } from './preprocessing/audio.js'
export { Pipeline } from './preprocessing/Pipeline.js'
export type { PipelineArgs } from './preprocessing/Pipeline.js'
export { BaseImagePreprocessingLayer } from './preprocessing/image-base.js'
export type { ImageLayerArgs, ImageData } from './preprocessing/image-base.js'
/** Keras `keras.utils.bounding_boxes`: box format conversion, clipping, affine/crop/pad helpers. */
export * as boundingBoxes from './preprocessing/bounding-boxes.js'
export type { BoundingBoxes, BoundingBoxFormat } from './preprocessing/bounding-boxes.js'
export { Resizing, CenterCrop, RandomCrop, MaxNumBoundingBoxes } from './preprocessing/image-resize.js'
export type { ResizingArgs, CropArgs, MaxNumBoundingBoxesArgs } from './preprocessing/image-resize.js'
export {
  RandomFlip, RandomRotation, RandomZoom, RandomTranslation, RandomShear, RandomPerspective, RandomElasticTransform,
} from './preprocessing/image-geometric.js'
export type {
  RandomFlipArgs, AffineArgs, RandomRotationArgs, RandomZoomArgs, RandomTranslationArgs, RandomShearArgs, RandomPerspectiveArgs, RandomElasticTransformArgs,
} from './preprocessing/image-geometric.js'
export {
  RandomContrast, RandomBrightness, RandomGrayscale, RandomHue, RandomSaturation, RandomColorDegeneration, RandomColorJitter, RandomInvert,
} from './preprocessing/image-color.js'
export type { ColorArgs, RandomGrayscaleArgs, RandomColorJitterArgs, RandomInvertArgs } from './preprocessing/image-color.js'
export {
  RandomPosterization, Solarization, AutoContrast, RandomSharpness, RandomGaussianBlur, Equalization, ContrastLimitedAdaptiveHistogramEqualization,
} from './preprocessing/image-tone.js'
export type {
  RandomPosterizationArgs, SolarizationArgs, AutoContrastArgs, RandomSharpnessArgs, RandomGaussianBlurArgs, EqualizationArgs, ClaheArgs,
} from './preprocessing/image-tone.js'
export { MixUp, CutMix, RandomErasing, RandAugment, AugMix } from './preprocessing/image-mix.js'
export type { MixUpArgs, CutMixArgs, RandomErasingArgs, RandAugmentArgs, AugMixArgs } from './preprocessing/image-mix.js'
export { fingerprint64, sipHash64, fingerprintCat64 } from './preprocessing/hash64.js'
export { registerBuiltinLayersPre } from './builtins-pre.js'
