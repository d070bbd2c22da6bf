/**
 * @file Geometric image ops (`keras.ops.image`): mapCoordinates (as `jax.scipy.ndimage.map_coordinates`,
 * orders 0/1, five fill modes), affineTransform, perspectiveTransform and elasticTransform.
 */
import { InvalidArgumentError, KerasTensor, ShapeError, Tensor, fmt, isFloat, isInt, lax, tensor, floatx, type DType } from '@kx/core'
import { normal } from '@kx/ops-numpy/random'
import { type DataFormat } from '../conv.js'
import {
  abs, add, broadcastTo, cast, convertToTensor, divide, greaterEqual, less, logicalAnd, multiply, subtract, where, type TensorLike,
} from '@kx/ops-numpy'
import { reshapeDims, sliceAxis } from '../util.js'
import { choice, toBatchedLast } from './common.js'
import { gaussianBlur } from './filters.js'

export type FillMode = 'constant' | 'nearest' | 'wrap' | 'mirror' | 'reflect'
const FILL_MODES: readonly FillMode[] = ['constant', 'nearest', 'wrap', 'mirror', 'reflect']
const floor = (x: Tensor): Tensor => lax.unary('floor', x)
/** Python's floor modulo on integer-valued floats. */
const fmod = (a: Tensor, m: number): Tensor => subtract(a, multiply(floor(divide(a, m)), m))

function mirrorIndex(i: Tensor, size: number): Tensor {
  const s = size - 1
  if (s === 0) return multiply(i, 0)
  return abs(subtract(fmod(add(i, s), 2 * s), s))
}

const FIXERS: Record<FillMode, (i: Tensor, size: number) => Tensor> = {
  constant: (i) => i,
  nearest: (i, size) => where(less(i, 0), 0, where(greaterEqual(i, size - 1), size - 1, i)),
  wrap: (i, size) => fmod(i, size),
  mirror: mirrorIndex,
  reflect: (i, size) => floor(divide(subtract(mirrorIndex(add(multiply(i, 2), 1), 2 * size + 1), 1), 2)),
}

/**
 * Interpolates `input` at `coords` (one float tensor per input dim, all one shape). Dims listed in
 * `exact` hold integer coordinates and skip interpolation.
 */
function interpolate(input: Tensor, coords: Tensor[], order: 0 | 1, mode: FillMode, cval: number, exact: ReadonlySet<number> = new Set()): Tensor {
  const shape = input.shape as number[]
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1))
  type Node = { idx: Tensor; w: Tensor | null }
  const perDim: Node[][] = coords.map((c, d) => {
    if (exact.has(d)) return [{ idx: c, w: null }]
    if (order === 0) {
      // round half away from zero, as lax.round
      const r = multiply(lax.sign(c), floor(add(abs(c), 0.5)))
      return [{ idx: r, w: null }]
    }
    const lower = floor(c)
    const upper = subtract(c, lower)
    return [{ idx: lower, w: subtract(1, upper) }, { idx: add(lower, 1), w: upper }]
  })
  const flatInput = reshapeDims(input, [-1])
  const compute = isFloat(input.dtype) ? input.dtype : floatx()
  let out: Tensor | null = null
  const combos = perDim.reduce<Node[][]>((acc, nodes) => acc.flatMap((p) => nodes.map((n) => [...p, n])), [[]])
  for (const combo of combos) {
    let flat: Tensor | null = null
    let valid: Tensor | null = null
    let weight: Tensor | null = null
    combo.forEach((n, d) => {
      const size = shape[d]!
      const fixed = FIXERS[mode](n.idx, size)
      const term = multiply(fixed, strides[d]!)
      flat = flat ? add(flat, term) : term
      if (mode === 'constant' && !exact.has(d)) {
        const ok = logicalAnd(greaterEqual(n.idx, 0), less(n.idx, size))
        valid = valid ? logicalAnd(valid, ok) : ok
      }
      if (n.w) weight = weight ? multiply(weight, n.w) : n.w
    })
    let value = cast(lax.gather(flatInput, cast(flat!, 'int32'), 0), compute)
    if (valid) value = where(valid, value, cval)
    const contrib = weight ? multiply(cast(weight, compute), value) : value
    out = out ? add(out, contrib) : contrib
  }
  let result = out!
  if (isInt(input.dtype)) result = multiply(lax.sign(result), floor(add(abs(result), 0.5)))
  return cast(result, input.dtype)
}

/**
 * Samples `inputs` at `coordinates` (`keras.ops.image.map_coordinates`): `coordinates` has one row
 * per input dim (`[ndim, ...outShape]`); `order` 0 is nearest, 1 linear. Outside points follow
 * `fillMode` (JAX's conventions: `constant` uses `fillValue`, `wrap` is SciPy's grid-wrap).
 *
 * @example
 * ```ts
 * image.mapCoordinates(x, coords, 1, { fillMode: 'nearest' })
 * ```
 */
export function mapCoordinates(inputs: TensorLike, coordinates: TensorLike | readonly TensorLike[], order: number, options: { fillMode?: FillMode; fillValue?: number } = {}): Tensor {
  const x = convertToTensor(inputs)
  const cs: Tensor[] = Array.isArray(coordinates) && coordinates.length > 0 && (coordinates[0] instanceof Tensor)
    ? (coordinates as unknown as Tensor[])
    : unstack0(convertToTensor(coordinates as TensorLike))
  if (cs.length !== x.ndim) {
    throw new ShapeError(`First dim of \`coordinates\` must be the same as the rank of \`inputs\`. Received inputs with shape: ${fmt(x.shape)} and coordinate leading dim of ${cs.length}`)
  }
  if (cs[0]!.ndim < 1) throw new ShapeError(`Invalid coordinates rank: expected at least rank 2. Received input with shape: ${fmt([cs.length])}`)
  const mode = choice(options.fillMode, FILL_MODES, 'constant', 'fill_mode', 'map_coordinates')
  if (order !== 0 && order !== 1) throw new InvalidArgumentError(`Invalid value for argument \`order\`. Expected one of [0, 1]. Received: order=${fmt(order)}`)
  if (x.isSymbolic) return new KerasTensor(cs[0]!.shape, x.dtype)
  const dt: DType = isFloat(cs[0]!.dtype) ? cs[0]!.dtype : floatx()
  return interpolate(x, cs.map((c) => cast(c, dt)), order, mode, options.fillValue ?? 0)
}

function unstack0(t: Tensor): Tensor[] {
  const n = t.shape[0]!
  const rest = t.shape.slice(1)
  return Array.from({ length: n }, (_, i) => reshapeDims(sliceAxis(t, 0, i, i + 1), rest))
}

function hostTensor(ref: Tensor, values: ArrayLike<number>, shape: number[], dtype: DType): Tensor {
  return tensor(Array.from(values), { shape, dtype, ...(ref.isSymbolic ? {} : { backend: ref.backend }) })
}

function gridCoords(ref: Tensor, B: number, H: number, W: number, C: number, dtype: DType): { b: Tensor; y: Tensor; x: Tensor; c: Tensor } {
  const full = [B, H, W, C]
  const ar = (n: number, shape: number[]): Tensor => broadcastTo(hostTensor(ref, Array.from({ length: n }, (_, i) => i), shape, dtype), full)
  return { b: ar(B, [B, 1, 1, 1]), y: ar(H, [1, H, 1, 1]), x: ar(W, [1, 1, W, 1]), c: ar(C, [1, 1, 1, C]) }
}

const INTERP = ['nearest', 'bilinear'] as const

/**
 * Applies projective transforms given as 8 numbers `[a0, a1, a2, b0, b1, b2, c0, c1]` per image
 * (`keras.ops.image.affine_transform`): output pixel `(x, y)` samples input
 * `(a0 x + a1 y + a2, b0 x + b1 y + b2)`. As Keras's JAX backend, `c0`/`c1` scale the channel index
 * instead of dividing (they are 0 for affine transforms).
 *
 * @example
 * ```ts
 * image.affineTransform(images, [1, 0, 5, 0, 1, 0, 0, 0]) // shift right by 5 pixels
 * ```
 */
export function affineTransform(
  images: TensorLike, transform: TensorLike,
  options: { interpolation?: 'nearest' | 'bilinear'; fillMode?: FillMode; fillValue?: number; dataFormat?: DataFormat } = {},
): Tensor {
  const interp = choice(options.interpolation, INTERP, 'bilinear', 'interpolation', 'affine_transform')
  const mode = choice(options.fillMode, FILL_MODES, 'constant', 'fill_mode', 'affine_transform')
  const { x, back } = toBatchedLast(convertToTensor(images), options.dataFormat, 'affine_transform')
  let t = convertToTensor(transform)
  if (t.ndim !== 1 && t.ndim !== 2) throw new ShapeError(`Invalid transform rank: expected rank 1 (single transform) or rank 2 (batch of transforms). Received input with shape: transform.shape=${fmt(t.shape)}`)
  if (x.isSymbolic || t.isSymbolic) return back(new KerasTensor(x.shape, x.dtype))
  const [B, H, W, C] = x.shape as [number, number, number, number]
  const dt: DType = isFloat(t.dtype) ? t.dtype : floatx()
  t = broadcastTo(reshapeDims(cast(t, dt), [-1, 8]), [B, 8])
  const col = (i: number): Tensor => reshapeDims(lax.slice(t, [0, i], [B, i + 1]), [B, 1, 1, 1])
  const g = gridCoords(x, B, H, W, C, dt)
  const yIn = add(add(add(multiply(col(3), g.x), multiply(col(4), g.y)), col(5)), multiply(col(6), g.c))
  const xIn = add(add(add(multiply(col(0), g.x), multiply(col(1), g.y)), col(2)), multiply(col(7), g.c))
  return back(interpolate(x, [g.b, yIn, xIn, g.c], interp === 'nearest' ? 0 : 1, mode, options.fillValue ?? 0, new Set([0, 3])))
}

/** Solves the 8×8 system of the homography mapping `end` points to `start` points (Gaussian elimination). */
function homography(start: number[], end: number[]): number[] {
  const A: number[][] = []
  const rhs: number[] = []
  for (let i = 0; i < 4; i++) {
    const [sx, sy, ex, ey] = [start[2 * i]!, start[2 * i + 1]!, end[2 * i]!, end[2 * i + 1]!]
    A.push([ex, ey, 1, 0, 0, 0, -sx * ex, -sx * ey])
    rhs.push(sx)
  }
  for (let i = 0; i < 4; i++) {
    const [sy, ex, ey] = [start[2 * i + 1]!, end[2 * i]!, end[2 * i + 1]!]
    A.push([0, 0, 0, ex, ey, 1, -sy * ex, -sy * ey])
    rhs.push(sy)
  }
  const n = 8
  for (let k = 0; k < n; k++) {
    let p = k
    for (let i = k + 1; i < n; i++) if (Math.abs(A[i]![k]!) > Math.abs(A[p]![k]!)) p = i
    ;[A[k], A[p]] = [A[p]!, A[k]!]
    ;[rhs[k], rhs[p]] = [rhs[p]!, rhs[k]!]
    for (let i = k + 1; i < n; i++) {
      const f = A[i]![k]! / A[k]![k]!
      for (let j = k; j < n; j++) A[i]![j]! -= f * A[k]![j]!
      rhs[i]! -= f * rhs[k]!
    }
  }
  const sol = new Array<number>(n).fill(0)
  for (let i = n - 1; i >= 0; i--) {
    let s = rhs[i]!
    for (let j = i + 1; j < n; j++) s -= A[i]![j]! * sol[j]!
    sol[i] = s / A[i]![i]!
  }
  return sol
}

/**
 * Perspective warp (`keras.ops.image.perspective_transform`): maps the quadrilateral `startPoints`
 * onto `endPoints` (`[4, 2]` (x, y) corners, or `[N, 4, 2]`); points outside get `fillValue`.
 * The homography is solved on the host.
 *
 * @example
 * ```ts
 * image.perspectiveTransform(images, [[0, 0], [31, 0], [0, 31], [31, 31]], [[2, 1], [30, 0], [0, 29], [31, 31]])
 * ```
 */
export function perspectiveTransform(
  images: TensorLike, startPoints: TensorLike, endPoints: TensorLike,
  options: { interpolation?: 'nearest' | 'bilinear'; fillValue?: number; dataFormat?: DataFormat } = {},
): Tensor {
  const interp = choice(options.interpolation, INTERP, 'bilinear', 'interpolation', 'perspective_transform')
  const { x, back } = toBatchedLast(convertToTensor(images), options.dataFormat, 'perspective_transform')
  const sp = convertToTensor(startPoints)
  const ep = convertToTensor(endPoints)
  for (const [p, name] of [[sp, 'start_points'], [ep, 'end_points']] as const) {
    if ((p.ndim !== 2 && p.ndim !== 3) || p.shape[p.ndim - 1] !== 2 || p.shape[p.ndim - 2] !== 4) {
      throw new ShapeError(`Invalid ${name} shape: expected (4,2) for a single image or (N,4,2) for a batch. Received shape: ${fmt(p.shape)}`)
    }
  }
  if (sp.shape.join() !== ep.shape.join()) throw new ShapeError(`start_points and end_points must have the same shape. Received start_points.shape=${fmt(sp.shape)}, end_points.shape=${fmt(ep.shape)}`)
  if (x.isSymbolic || sp.isSymbolic || ep.isSymbolic) return back(new KerasTensor(x.shape, x.dtype))
  const [B, H, W, C] = x.shape as [number, number, number, number]
  const s = Array.from(sp.dataSync() as ArrayLike<number>)
  const e = Array.from(ep.dataSync() as ArrayLike<number>)
  const nT = sp.ndim === 3 ? sp.shape[0]! : 1
  const yIn = new Float64Array(B * H * W)
  const xIn = new Float64Array(B * H * W)
  for (let b = 0; b < B; b++) {
    const k = Math.min(b, nT - 1) * 8
    const t = homography(s.slice(k, k + 8), e.slice(k, k + 8))
    for (let yy = 0; yy < H; yy++) {
      for (let xx = 0; xx < W; xx++) {
        const den = t[6]! * xx + t[7]! * yy + 1
        const o = (b * H + yy) * W + xx
        xIn[o] = (t[0]! * xx + t[1]! * yy + t[2]!) / den
        yIn[o] = (t[3]! * xx + t[4]! * yy + t[5]!) / den
      }
    }
  }
  const dt: DType = isFloat(x.dtype) ? x.dtype : floatx()
  const g = gridCoords(x, B, H, W, C, dt)
  const full = [B, H, W, C]
  const yc = broadcastTo(hostTensor(x, yIn, [B, H, W, 1], dt), full)
  const xc = broadcastTo(hostTensor(x, xIn, [B, H, W, 1], dt), full)
  return back(interpolate(x, [g.b, yc, xc, g.c], interp === 'nearest' ? 0 : 1, 'constant', options.fillValue ?? 0, new Set([0, 3])))
}

/**
 * Elastic deformation (`keras.ops.image.elastic_transform`): a Gaussian-smoothed random displacement
 * field (scaled by `alpha`, smoothed with `sigma`) resamples the images. As Keras's JAX backend, the
 * x and y displacements are drawn from the same seed.
 *
 * @example
 * ```ts
 * image.elasticTransform(images, { alpha: 20, sigma: 5, seed: 42 })
 * ```
 */
export function elasticTransform(
  images: TensorLike,
  options: { alpha?: number; sigma?: number; interpolation?: 'nearest' | 'bilinear'; fillMode?: FillMode; fillValue?: number; seed?: number | Tensor | null; dataFormat?: DataFormat } = {},
): Tensor {
  const interp = choice(options.interpolation, INTERP, 'bilinear', 'interpolation', 'elastic_transform')
  const mode = choice(options.fillMode, FILL_MODES, 'reflect', 'fill_mode', 'elastic_transform')
  const x0 = convertToTensor(images)
  const { x, back } = toBatchedLast(x0, options.dataFormat, 'elastic_transform')
  if (x.isSymbolic) return back(new KerasTensor(x.shape, x.dtype))
  const alpha = options.alpha ?? 20
  const sigma = options.sigma ?? 5
  const [B, H, W, C] = x.shape as [number, number, number, number]
  const dt: DType = isFloat(x.dtype) ? x.dtype : floatx()
  const k = Math.trunc(6 * sigma) | 1
  const noise = multiply(normal([B, H, W], { dtype: dt, seed: options.seed ?? null }), sigma)
  const d = reshapeDims(gaussianBlur(reshapeDims(noise, [B, H, W, 1]), { kernelSize: [k, k], sigma: [sigma, sigma], dataFormat: 'channels_last' }), [B, H, W, 1])
  const g = gridCoords(x, B, H, W, C, dt)
  const shift = broadcastTo(multiply(d, alpha), [B, H, W, C])
  return back(interpolate(x, [g.b, add(g.y, shift), add(g.x, shift), g.c], interp === 'nearest' ? 0 : 1, mode, options.fillValue ?? 0, new Set([0, 3])))
}

