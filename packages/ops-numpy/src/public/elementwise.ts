/** @file The public names of `elementwise.ts` (a re-export facade; see `../index.ts`). */
export {
  exp, exp2, expm1, log, log10, log2, log1p, sqrt, cbrt, sin, cos, tan, arcsin, arccos, arctan, sinh, cosh, tanh,
  arcsinh, arccosh, arctanh, deg2rad, rad2deg, floor, ceil, fabs, rsqrt, sinc, i0, erf, erfc, erfinv,
  absolute, abs, negative, sign, square, reciprocal, round, trunc, conjugate, conj, real, imag, angle, copy,
  logicalNot, bitwiseInvert, bitwiseNot, isfinite, isinf, isnan, isneginf, isposinf, isreal, signbit, nanToNum,
} from '../elementwise.js'
