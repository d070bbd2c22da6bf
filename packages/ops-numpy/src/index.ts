/**
 * @kx/ops-numpy: Keras 3's `keras.ops` NumPy, linalg, math and core ops and `keras.random`,
 * written once as compositions of `@kx/core` primitives, so they run eagerly on every backend,
 * infer shapes on symbolic tensors, and differentiate through core's autodiff.
 *
 * Calling convention: tensor arguments are positional (JS numbers and booleans are weak scalars),
 * required non-tensor arguments are positional, and arguments with defaults go in one trailing
 * options object with Keras's names camelCased: `sum(x, { axis: 1, keepdims: true })`.
 *
 * @packageDocumentation
 */
export type { TensorLike, DTypeLike } from './convert.js'
export { convertToTensor, convertToNumpy, isTensor, dtype, shape } from './convert.js'
export {
  exp, exp2, expm1, log, log10, log2, log1p, sqrt, cbrt, sin, cos, tan, arcsin, arccos, arctan, sinh, cosh, tanh,
  arcsinh, arccosh, arctanh, deg2rad, rad2deg, floor, ceil, fabs, rsqrt, sinc, i0, erf, erfc, erfinv,
  absolute, abs, negative, sign, square, reciprocal, round, trunc, conjugate, conj, real, imag, angle, copy,
  logicalNot, bitwiseInvert, bitwiseNot, isfinite, isinf, isnan, isneginf, isposinf, isreal, signbit, nanToNum,
} from './elementwise.js'
export {
  add, subtract, multiply, divide, trueDivide, divideNoNan, maximum, minimum, fmax, fmin, power, floorDivide, mod, fmod,
  arctan2, hypot, heaviside, logaddexp, logaddexp2, ldexp, nextafter, gcd, lcm,
  equal, notEqual, less, lessEqual, greater, greaterEqual, isclose, allclose,
  logicalAnd, logicalOr, logicalXor, bitwiseAnd, bitwiseOr, bitwiseXor, bitwiseLeftShift, bitwiseRightShift, leftShift, rightShift,
} from './arithmetic.js'
export type { IscloseOptions } from './arithmetic.js'
export {
  sum, prod, mean, max, min, amax, amin, ptp, all, any, countNonzero, variance, var_, std, average, argmax, argmin, cumsum, cumprod,
} from './reduction.js'
export type { ReduceOptions, CumulativeOptions } from './reduction.js'
export {
  reshape, transpose, expandDims, squeeze, broadcastTo, ravel, moveaxis, swapaxes, flip, fliplr, flipud, roll, rot90, tile, repeat, pad, ndim, size,
} from './shape-ops.js'
export type { PadWidth, PadMode } from './shape-ops.js'
export { concatenate, stack, hstack, vstack, dstack, append, split, arraySplit, hsplit, vsplit, dsplit, unstack } from './join-split.js'
export { zeros, ones, empty, full, fullLike, zerosLike, onesLike, emptyLike, array, arange, eye, identity, tri, linspace, logspace, geomspace, meshgrid } from './creation.js'
export type { SpaceOptions } from './creation.js'
export { matmul, dot, tensordot, inner, outer, vdot, kron, cross } from './products.js'
export { einsum } from './einsum.js'
export { where, select, clip, take, takeAlongAxis, nonzero, slice, sliceUpdate, scatter, scatterUpdate } from './indexing.js'
export { cast, saturateCast, stopGradient, customGradient, cond, switchCase, switch_, whileLoop, foriLoop, scan, map, vectorizedMap, associativeScan } from './core-ops.js'
export * as random from './random.js'
export { SeedGenerator } from './random.js'
export { diag, diagflat, diagonal, trace, tril, triu, diff, vander, trapezoid, correlate } from './matrix.js'
export { sort, argsort, argpartition, searchsorted, digitize, isin, unique, bincount, histogram, unravelIndex, topK, inTopK } from './sorting.js'
export type { UniqueOptions } from './sorting.js'
export {
  quantile, percentile, median, nanquantile, nanpercentile, nanmedian, nansum, nanprod, nanmax, nanmin, nanmean, nanvar, nanstd,
  nanargmax, nanargmin, nancumsum, nancumprod, corrcoef,
} from './statistics.js'
export type { QuantileMethod, QuantileOptions } from './statistics.js'
export { bartlett, blackman, hamming, hanning, kaiser } from './windows.js'
export {
  logsumexp, segmentSum, segmentMax, segmentMin, segmentProd, cdist, extractSequences, fft, fft2, ifft2, rfft, irfft, stft, istft,
  viewAsReal, viewAsComplex,
} from './math.js'
export type { SegmentOptions } from './math.js'
export {
  slogdet, logdet, cholesky, choleskyInverse, det, eig, eigh, inv, lstsq, luFactor, matrixRank, norm, pinv, qr, solve, solveTriangular, svd, jvp,
} from './linalg.js'
export type { NormOrd } from './linalg.js'
export * as math from './math.js'
export * as linalg from './linalg.js'
export { getItem, S, Slice } from './get-item.js'
export type { IndexItem } from './get-item.js'
export { rearrange } from './rearrange.js'
export { vectorize, view } from './vectorize.js'
export { OPS_NUMPY_COVERAGE } from './coverage.js'
export type { CoverageEntry, CoverageStatus } from './coverage.js'
