/** @file Registers the preprocessing and image augmentation layers in `layerRegistry` under Keras's class names. */
import { layerRegistry, type Deserializable } from '../engine/serialization.js'
import { CategoryEncoding, Discretization, Normalization, Rescaling } from './preprocessing/numeric.js'
import { HashedCrossing, Hashing } from './preprocessing/hashing.js'
import { IntegerLookup, StringLookup } from './preprocessing/lookup.js'
import { TextVectorization } from './preprocessing/TextVectorization.js'
import { MelSpectrogram, STFTSpectrogram } from './preprocessing/audio.js'
import { Pipeline } from './preprocessing/Pipeline.js'
import { CenterCrop, MaxNumBoundingBoxes, RandomCrop, Resizing } from './preprocessing/image-resize.js'
import {
  RandomElasticTransform, RandomFlip, RandomPerspective, RandomRotation, RandomShear, RandomTranslation, RandomZoom,
} from './preprocessing/image-geometric.js'
import {
  RandomBrightness, RandomColorDegeneration, RandomColorJitter, RandomContrast, RandomGrayscale, RandomHue, RandomInvert, RandomSaturation,
} from './preprocessing/image-color.js'
import {
  AutoContrast, ContrastLimitedAdaptiveHistogramEqualization, Equalization, RandomGaussianBlur, RandomPosterization, RandomSharpness, Solarization,
} from './preprocessing/image-tone.js'
import { AugMix, CutMix, MixUp, RandAugment, RandomErasing } from './preprocessing/image-mix.js'

const BUILTINS_PRE: [unknown, ...string[]][] = [
  [Normalization, 'Normalization'], [Discretization, 'Discretization'], [CategoryEncoding, 'CategoryEncoding'], [Rescaling, 'Rescaling'],
  [Hashing, 'Hashing'], [HashedCrossing, 'HashedCrossing'], [StringLookup, 'StringLookup'], [IntegerLookup, 'IntegerLookup'],
  [TextVectorization, 'TextVectorization'], [MelSpectrogram, 'MelSpectrogram'], [STFTSpectrogram, 'STFTSpectrogram'], [Pipeline, 'Pipeline'],
  [Resizing, 'Resizing'], [CenterCrop, 'CenterCrop'], [RandomCrop, 'RandomCrop'], [MaxNumBoundingBoxes, 'MaxNumBoundingBoxes'],
  [RandomFlip, 'RandomFlip'], [RandomRotation, 'RandomRotation'], [RandomZoom, 'RandomZoom'], [RandomTranslation, 'RandomTranslation'],
  [RandomShear, 'RandomShear'], [RandomPerspective, 'RandomPerspective'], [RandomElasticTransform, 'RandomElasticTransform'],
  [RandomBrightness, 'RandomBrightness'], [RandomColorDegeneration, 'RandomColorDegeneration'], [RandomColorJitter, 'RandomColorJitter'],
  [RandomContrast, 'RandomContrast'], [RandomGrayscale, 'RandomGrayscale'], [RandomHue, 'RandomHue'], [RandomInvert, 'RandomInvert'],
  [RandomSaturation, 'RandomSaturation'], [AutoContrast, 'AutoContrast'], [Equalization, 'Equalization'],
  [ContrastLimitedAdaptiveHistogramEqualization, 'ContrastLimitedAdaptiveHistogramEqualization'],
  [RandomGaussianBlur, 'RandomGaussianBlur'], [RandomPosterization, 'RandomPosterization'], [RandomSharpness, 'RandomSharpness'],
  [Solarization, 'Solarization'], [AugMix, 'AugMix'], [CutMix, 'CutMix'], [MixUp, 'MixUp'], [RandAugment, 'RandAugment'], [RandomErasing, 'RandomErasing'],
]

let done = false
/** Idempotent: registers the 43 preprocessing layers of Keras 3.15 in `layerRegistry`. */
export function registerBuiltinLayersPre(): void {
  if (done) return
  done = true
  for (const [cls, ...names] of BUILTINS_PRE) layerRegistry.register(cls as Deserializable, ...names)
}
