/**
 * @file The ops losses and metrics are written with: `@kx/ops-numpy`, with `where` narrowed to its
 * three-argument (tensor-valued) form.
 */
import type { Tensor } from '@kx/core'
import * as np from '@kx/ops-numpy'
import type { TensorLike } from '@kx/ops-numpy'

export * from '@kx/ops-numpy'

/** Three-argument `where` with a tensor result. */
export function where(condition: TensorLike, x1: TensorLike, x2: TensorLike): Tensor {
  return np.where(condition, x1, x2) as Tensor
}
