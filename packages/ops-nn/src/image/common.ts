/** @file Shared helpers of the image ops: rank checks, batching and channels_last views. */
import { InvalidArgumentError, ShapeError, fmt, type Tensor } from '@kx/core'
import { type DataFormat, standardizeDataFormat } from '../conv.js'
import { expandDims, squeeze, transpose } from '@kx/ops-numpy'
import { reshapeDims } from '../util.js'

/** Checks an image tensor is rank 3 (one image) or 4 (a batch). */
export function checkImages(x: Tensor, op: string, name = 'images'): void {
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new ShapeError(`\`${op}\`: invalid ${name} rank: expected rank 3 (single image) or rank 4 (batch of images). Received input with shape: ${name}.shape=${fmt(x.shape)}`)
  }
}

/** A batched channels_last view of images, and the function that maps results back. */
export function toBatchedLast(x: Tensor, dataFormat: string | undefined, op: string): { x: Tensor; back: (y: Tensor) => Tensor; df: DataFormat } {
  checkImages(x, op)
  const df = standardizeDataFormat(dataFormat, op)
  const single = x.ndim === 3
  let y = single ? expandDims(x, 0) : x
  if (df === 'channels_first') y = transpose(y, { axes: [0, 2, 3, 1] })
  const back = (z: Tensor): Tensor => {
    let u = df === 'channels_first' ? transpose(z, { axes: [0, 3, 1, 2] }) : z
    if (single) u = squeeze(u, { axis: [0] })
    return u
  }
  return { x: y, back, df }
}

/** Validates a choice argument. */
export function choice<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T, name: string, op: string): T {
  const v = (value ?? fallback) as T
  if (!allowed.includes(v)) {
    throw new InvalidArgumentError(`\`${op}\`: invalid value for argument \`${name}\`. Expected one of ${allowed.map((a) => `"${a}"`).join(', ')}. Received: ${name}=${fmt(value)}`)
  }
  return v
}

export { reshapeDims }
