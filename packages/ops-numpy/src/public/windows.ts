/** @file The public names of `windows.ts` (a re-export facade; see `../index.ts`). */
export { bartlett, blackman, hamming, hanning, kaiser } from '../windows.js'
