/** @file `printGraph`: a jaxpr-like text form of a graph, for debugging, tests and docs. */
import type { DType } from '../dtype.js'
import type { AbstractValue } from '../primitives/types.js'
import type { Graph, GraphVar } from './ir.js'

const SHORT: { [D in DType]: string } = {
  bool: 'bool', int8: 'i8', int16: 'i16', int32: 'i32', int64: 'i64', uint8: 'u8', uint16: 'u16', uint32: 'u32',
  float16: 'f16', bfloat16: 'bf16', float32: 'f32', float64: 'f64',
}

/** `f32[?,3]`: short dtype and shape, `?` for unknown dims. */
export function formatAval(a: AbstractValue): string {
  return `${SHORT[a.dtype]}[${a.shape.map((d) => (d === null ? '?' : String(d))).join(',')}]`
}

/** Letter names like jaxprs: a..z, ba..bz, ca... */
function letters(n: number): string {
  let s = ''
  let k = n
  do { s = String.fromCharCode(97 + (k % 26)) + s; k = Math.floor(k / 26) } while (k > 0)
  return s
}

export function isGraph(v: unknown): v is Graph {
  return v !== null && typeof v === 'object' && Array.isArray((v as Graph).equations) && Array.isArray((v as Graph).inputs)
}

function formatValue(v: unknown, indent: string): string {
  if (isGraph(v)) return printIndented(v, indent + '  ')
  if (Array.isArray(v)) return `[${v.map((x) => formatValue(x, indent)).join(',')}]`
  if (v === null || v === undefined) return 'None'
  if (typeof v === 'object') {
    return `{${Object.keys(v).map((k) => `${k}=${formatValue((v as Record<string, unknown>)[k], indent)}`).join(' ')}}`
  }
  return String(v)
}

function formatParams(params: object, indent: string): string {
  const keys = Object.keys(params)
  if (!keys.length) return ''
  return `[${keys.map((k) => `${k}=${formatValue((params as Record<string, unknown>)[k], indent)}`).join(' ')}]`
}

function printIndented(graph: Graph, indent: string): string {
  const names = new Map<number, string>()
  let n = 0
  graph.constants.forEach((c, i) => names.set(c.var.id, `c${i}`))
  graph.variableReads.forEach((r, i) => names.set(r.var.id, `v${i}`))
  const name = (v: GraphVar): string => {
    let s = names.get(v.id)
    if (s === undefined) { s = letters(n++); names.set(v.id, s) }
    return s
  }
  const decl = (v: GraphVar): string => `${name(v)}:${formatAval(v.aval)}`
  const head = [
    ...graph.constants.map((c) => decl(c.var)),
    ...graph.variableReads.map((r) => `${decl(r.var)}(${r.variable.path})`),
  ].join(' ')
  const params = graph.inputs.map(decl).join(' ')
  const inner = indent + '    '
  const lines = graph.equations.map((eq) => {
    const outs = eq.outputs.map(decl).join(' ')
    const ins = eq.inputs.map(name).join(' ')
    return `${inner}${outs} = ${eq.prim}${formatParams(eq.params, inner)}${ins ? ' ' + ins : ''}`
  })
  const outs = `(${graph.outputs.map(name).join(', ')})`
  const writes = graph.variableWrites.length
    ? `\n${indent}  writes { ${graph.variableWrites.map((w) => `${w.variable.path} := ${name(w.value)}`).join('; ')} }`
    : ''
  if (!lines.length) return `{ lambda ${head}; ${params}. in ${outs}${writes} }`
  return `{ lambda ${head}; ${params}. let\n${lines.join('\n')}\n${indent}  in ${outs}${writes} }`
}

/**
 * Renders a graph as readable text in the style of a jaxpr: constants (`c0`, ...) and variable reads
 * (`v0`, ... with the variable path) before `;`, inputs after it, one equation per line with its
 * parameters in brackets, then the outputs and the variable writes. Sub-graphs print nested.
 *
 * @example
 * ```ts
 * console.log(printGraph(trace((x: Tensor) => lax.exp(x), [{ shape: [null, 3], dtype: 'float32' }])))
 * // { lambda ; a:f32[?,3]. let
 * //     b:f32[?,3] = exp a
 * //   in (b) }
 * ```
 */
export function printGraph(graph: Graph): string { return printIndented(graph, '') }
