/** @file The public names of `math.ts` (a re-export facade; see `../index.ts`). */
export {
  logsumexp, segmentSum, segmentMax, segmentMin, segmentProd, cdist, extractSequences, fft, fft2, ifft2, rfft, irfft, stft, istft,
  viewAsReal, viewAsComplex,
} from '../math.js'
export type { SegmentOptions } from '../math.js'
export * as math from '../math.js'
