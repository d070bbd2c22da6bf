/** @file `keras.ops`: NumPy-style ops, `nn` ops and the `image`, `linalg`, `math` and `nn` namespaces in one place. */
export * from '@kx/ops-numpy'
export * from '@kx/ops-nn'
export type { TensorLike, CoverageEntry } from '@kx/ops-numpy'
