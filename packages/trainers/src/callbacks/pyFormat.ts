/**
 * @file Python's `str.format` for file-name templates (`model_{epoch:02d}-{val_loss:.2f}.keras`):
 * `{name}`, `{name!r}`, `{{`/`}}`, and the format-spec mini-language for ints and floats
 * (`[[fill]align][sign][z][#][0][width][,|_][.precision][type]`). Floats print like Python's
 * `repr`, and rounding is exact (half-to-even on the double's exact decimal value), as in CPython.
 */
import { InvalidArgumentError, fmt } from '@kx/core'

/** A value for a template field: a number printed as a Python int or float, or a string. */
export type PyValue = { int: number } | number | string

// ---- exact decimal digits of a double -------------------------------------------------------------

/** |x| = digits / 10^scale exactly (a double is m·2^e, and 2^-k = 5^k / 10^k). */
function exactDecimal(x: number): { digits: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, Math.abs(x))
  const hi = view.getUint32(0)
  const lo = view.getUint32(4)
  const biased = hi >>> 20
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo)
  let e: number
  if (biased === 0) e = -1074
  else { mant |= 1n << 52n; e = biased - 1075 }
  if (e >= 0) return { digits: mant << BigInt(e), scale: 0 }
  return { digits: mant * 5n ** BigInt(-e), scale: -e }
}

/** digits/10^scale rounded half-to-even to `decimals` decimals (may be negative): returns q with value q/10^decimals. */
function roundDecimal(digits: bigint, scale: number, decimals: number): bigint {
  if (decimals >= scale) return digits * 10n ** BigInt(decimals - scale)
  const div = 10n ** BigInt(scale - decimals)
  let q = digits / div
  const r = digits % div
  const half = div / 2n
  if (r > half || (r === half && q % 2n === 1n)) q += 1n
  return q
}

/** Fixed notation of |x| with `decimals` decimals. */
function fixedAbs(x: number, decimals: number): string {
  const { digits, scale } = exactDecimal(x)
  const s = roundDecimal(digits, scale, decimals).toString().padStart(decimals + 1, '0')
  return decimals > 0 ? `${s.slice(0, -decimals)}.${s.slice(-decimals)}` : s
}

/** |x| rounded to `sig` significant digits: the digit string (length sig) and the decimal exponent. */
function significant(x: number, sig: number): { mant: string; exp: number } {
  if (x === 0) return { mant: '0'.repeat(sig), exp: 0 }
  const { digits, scale } = exactDecimal(x)
  let exp = digits.toString().length - 1 - scale
  let q = roundDecimal(digits, scale, sig - 1 - exp)
  if (q.toString().length > sig) { q /= 10n; exp += 1 }
  return { mant: q.toString(), exp }
}

function expSuffix(exp: number, upper: boolean): string {
  return `${upper ? 'E' : 'e'}${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`
}

function sciAbs(x: number, precision: number, upper = false): string {
  const { mant, exp } = significant(x, precision + 1)
  return `${mant[0]}${precision > 0 ? `.${mant.slice(1)}` : ''}${expSuffix(exp, upper)}`
}

function stripZeros(s: string): string {
  const i = s.search(/[eE]/)
  const [m, e] = i >= 0 ? [s.slice(0, i), s.slice(i)] : [s, '']
  return (m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m) + e
}

/** Python's 'g' (and the no-type form with a precision, `addDot0`). */
function generalAbs(x: number, precision: number, alt: boolean, upper: boolean, noType: boolean): string {
  const p = precision === 0 ? 1 : precision
  const { exp } = significant(x, p)
  const sciFrom = noType ? p - 1 : p
  let s = exp >= -4 && exp < sciFrom ? fixedAbs(x, p - 1 - exp) : sciAbs(x, p - 1, upper)
  if (!alt) s = stripZeros(s)
  if (noType && !/[.eE]/.test(s)) s += '.0'
  return s
}

/** Python's `repr(float)` of |x|: shortest round-trip digits, scientific below 1e-4 and from 1e16. */
function reprAbs(x: number): string {
  if (x === 0) return '0.0'
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(x.toExponential())!
  const digits = m[1]! + (m[2] ?? '')
  const exp = Number(m[3])
  if (exp < -4 || exp >= 16) return `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}${expSuffix(exp, false)}`
  if (exp < 0) return `0.${'0'.repeat(-exp - 1)}${digits}`
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0')
  return `${intPart}.${digits.slice(exp + 1) || '0'}`
}

/** Python's `repr` of a float (`0.1`, `1.0`, `1e-05`, `nan`, `-inf`). */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan'
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf'
  return (x < 0 || Object.is(x, -0) ? '-' : '') + reprAbs(x)
}

// ---- the format-spec mini-language -----------------------------------------------------------------

interface Spec {
  fill: string
  align: string | undefined
  sign: string
  z: boolean
  alt: boolean
  zero: boolean
  width: number
  grouping: string
  precision: number | undefined
  type: string
}

const SPEC_RE = /^(?:(.)?([<>=^]))?([+\- ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su

function parseSpec(spec: string): Spec {
  const m = SPEC_RE.exec(spec)
  if (!m) throw new InvalidArgumentError(`Invalid format specifier '${spec}'. Received: spec=${fmt(spec)}`)
  return {
    fill: m[1] ?? (m[6] && !m[2] ? '0' : ' '),
    align: m[2] ?? (m[6] ? '=' : undefined),
    sign: m[3] ?? '-',
    z: m[4] !== undefined,
    alt: m[5] !== undefined,
    zero: m[6] !== undefined,
    width: m[7] ? Number(m[7]) : 0,
    grouping: m[8] ?? '',
    precision: m[9] !== undefined ? Number(m[9]) : undefined,
    type: m[10] ?? '',
  }
}

function group(intDigits: string, sep: string, every: number): string {
  if (!sep) return intDigits
  let out = ''
  for (let i = intDigits.length; i > 0; i -= every) out = intDigits.slice(Math.max(0, i - every), i) + (out ? sep + out : '')
  return out
}

/** Joins sign, prefix and body with padding; numbers align right and `=` pads after the sign. */
function pad(sign: string, prefix: string, intDigits: string, rest: string, spec: Spec, every: number, numeric: boolean): string {
  const align = spec.align ?? (numeric ? '>' : '<')
  if (align === '=' && spec.fill === '0' && spec.grouping && /^\d+$/.test(intDigits)) {
    // NOTE: like CPython, zero padding with grouping pads the digits, so separators fall into the padding.
    let d = intDigits
    while (sign.length + prefix.length + group(d, spec.grouping, every).length + rest.length < spec.width) d = `0${d}`
    return sign + prefix + group(d, spec.grouping, every) + rest
  }
  const body = group(intDigits, spec.grouping, every) + rest
  const n = spec.width - (sign.length + prefix.length + body.length)
  if (n <= 0) return sign + prefix + body
  const fill = spec.fill.repeat(n)
  switch (align) {
    case '<': return sign + prefix + body + fill
    case '^': return spec.fill.repeat(Math.floor(n / 2)) + sign + prefix + body + spec.fill.repeat(n - Math.floor(n / 2))
    case '=': return sign + prefix + fill + body
    default: return fill + sign + prefix + body
  }
}

function signOf(negative: boolean, spec: Spec): string {
  return negative ? '-' : spec.sign === '+' ? '+' : spec.sign === ' ' ? ' ' : ''
}

function formatFloat(x: number, spec: Spec): string {
  let t = spec.type
  if (t === 'n') t = 'g'
  if (t !== '' && !'eEfFgG%'.includes(t)) throw new InvalidArgumentError(`Unknown format code '${t}' for object of type 'float'`)
  const upper = t === 'E' || t === 'F' || t === 'G'
  let negative = x < 0 || Object.is(x, -0)
  let v = Math.abs(x)
  let body: string
  if (Number.isNaN(x)) { body = upper ? 'NAN' : 'nan'; negative = false }
  else if (!Number.isFinite(x)) body = upper ? 'INF' : 'inf'
  else {
    if (t === '%') v *= 100
    const p = spec.precision
    switch (t) {
      case 'e': case 'E': body = sciAbs(v, p ?? 6, upper); break
      case 'f': case 'F': case '%': body = fixedAbs(v, p ?? 6); break
      case 'g': case 'G': body = generalAbs(v, p ?? 6, spec.alt, upper, false); break
      default: body = p === undefined ? reprAbs(v) : generalAbs(v, p, spec.alt, false, true)
    }
    if (spec.alt && !body.includes('.') && !/[eE]/.test(body)) body += '.'
    else if (spec.alt && !body.includes('.')) body = body.replace(/([eE])/, '.$1')
    if (spec.z && negative && /^[0.]+$/.test(body.replace(/[eE].*$/, ''))) negative = false
  }
  if (t === '%') body += '%'
  const m = /^(\d+)(.*)$/s.exec(body)
  const [intDigits, rest] = m ? [m[1]!, m[2]!] : ['', body]
  return pad(signOf(negative, spec), '', intDigits, rest, spec, 3, true)
}

function formatInt(n: number, spec: Spec): string {
  const t = spec.type
  if ('eEfFgG%'.includes(t) && t !== '') return formatFloat(n, spec)
  if (!['', 'd', 'n', 'x', 'X', 'o', 'b'].includes(t)) throw new InvalidArgumentError(`Unknown format code '${t}' for object of type 'int'`)
  if (spec.precision !== undefined) throw new InvalidArgumentError('Precision not allowed in integer format specifier')
  const negative = n < 0
  const a = BigInt(Math.abs(Math.trunc(n)))
  const radix = t === 'x' || t === 'X' ? 16 : t === 'o' ? 8 : t === 'b' ? 2 : 10
  let digits = a.toString(radix)
  if (t === 'X') digits = digits.toUpperCase()
  const prefix = spec.alt && radix !== 10 ? `0${t === 'X' ? 'X' : t}` : ''
  return pad(signOf(negative, spec), prefix, digits, '', spec, radix === 10 ? 3 : 4, true)
}

/** Formats one value with a Python format spec (`format(value, spec)`). */
export function pyFormatValue(value: PyValue, spec: string): string {
  const s = parseSpec(spec)
  if (typeof value === 'string') {
    if (s.type !== '' && s.type !== 's') throw new InvalidArgumentError(`Unknown format code '${s.type}' for object of type 'str'`)
    const body = s.precision !== undefined ? value.slice(0, s.precision) : value
    return pad('', '', '', body, { ...s, grouping: '' }, 3, false)
  }
  if (typeof value === 'number') return formatFloat(value, s)
  return formatInt(value.int, s)
}

/**
 * Python's `template.format(**values)` for simple fields (`{name}`, `{name:spec}`, `{name!r}`).
 * Throws naming the template when a field is missing, like Keras's ModelCheckpoint.
 *
 * @example
 * ```ts
 * pyFormat('model_{epoch:02d}-{val_loss:.2f}.keras', { epoch: { int: 3 }, val_loss: 0.1234 }) // 'model_03-0.12.keras'
 * ```
 */
export function pyFormat(template: string, values: Readonly<Record<string, PyValue>>): string {
  let out = ''
  let i = 0
  while (i < template.length) {
    const c = template[i]!
    if (c === '{' && template[i + 1] === '{') { out += '{'; i += 2; continue }
    if (c === '}' && template[i + 1] === '}') { out += '}'; i += 2; continue }
    if (c === '}') throw new InvalidArgumentError(`Single '}' encountered in format string. Received: template=${fmt(template)}`)
    if (c !== '{') { out += c; i++; continue }
    const end = template.indexOf('}', i)
    if (end < 0) throw new InvalidArgumentError(`Single '{' encountered in format string. Received: template=${fmt(template)}`)
    const field = template.slice(i + 1, end)
    const m = /^([^!:]*)(?:!([rsa]))?(?::(.*))?$/s.exec(field)!
    const name = m[1]!
    if (!Object.hasOwn(values, name)) throw new InvalidArgumentError(`Failed to format this callback filepath: "${template}". Reason: '${name}' is not in the logs. Received: keys=${fmt(Object.keys(values))}`)
    let v = values[name]!
    if (m[2]) v = typeof v === 'number' ? pyFloatRepr(v) : typeof v === 'string' ? (m[2] === 's' ? v : `'${v}'`) : String(v.int)
    out += pyFormatValue(v, m[3] ?? '')
    i = end + 1
  }
  return out
}
