/** @file Typed errors with stable codes, shared by every kx package. */

/** Stable error codes. Tests and users may switch on these; they never change meaning. */
export type KxErrorCode =
  | 'shape'
  | 'dtype'
  | 'unsupported-op'
  | 'backend-missing'
  | 'not-implemented'
  | 'invalid-argument'
  | 'file-format'
  | 'disposed'
  | 'sync-read'
  | 'not-differentiable'
  | 'value'

/**
 * Base class of every error kx throws on bad input. `code` is stable; the message follows
 * Keras's template: what is wrong, then `Received: name=value`, naming op, shapes, dtypes, backend.
 *
 * @example
 * ```ts
 * try { ops.add(a, b) } catch (e) { if (e instanceof KxError && e.code === 'shape') console.log(e.message) }
 * ```
 */
export class KxError extends Error {
  readonly code: KxErrorCode
  constructor(code: KxErrorCode, message: string) {
    super(message)
    this.code = code
    this.name = new.target.name
  }
}

/** Incompatible or invalid shapes. */
export class ShapeError extends KxError {
  constructor(message: string) { super('shape', message) }
}
/** Unsupported or incompatible dtypes. */
export class DTypeError extends KxError {
  constructor(message: string) { super('dtype', message) }
}
/** A backend cannot run a primitive or op. */
export class UnsupportedOpError extends KxError {
  constructor(message: string) { super('unsupported-op', message) }
}
/** No such backend, or it could not start. */
export class BackendMissingError extends KxError {
  constructor(message: string) { super('backend-missing', message) }
}
/** A feature that kx does not implement (yet); never a silent stub. */
export class NotImplementedError extends KxError {
  constructor(message: string) { super('not-implemented', message) }
}
/** A bad argument value (unknown name, out-of-range axis, wrong option). */
export class InvalidArgumentError extends KxError {
  constructor(message: string) { super('invalid-argument', message) }
}
/** A corrupt, truncated or hostile file. */
export class FileFormatError extends KxError {
  constructor(message: string) { super('file-format', message) }
}
/** Use of a disposed tensor or variable. */
export class DisposedError extends KxError {
  constructor(message: string) { super('disposed', message) }
}
/** A synchronous read on a backend that only reads asynchronously. */
export class SyncReadError extends KxError {
  constructor(message: string) { super('sync-read', message) }
}
/** Gradient requested with respect to a non-differentiable input (e.g. an integer tensor). */
export class NotDifferentiableError extends KxError {
  constructor(message: string) { super('not-differentiable', message) }
}

/** Formats a value for the `Received:` part of an error message. */
export function fmt(value: unknown): string {
  if (Array.isArray(value)) return `(${value.map((v) => (v === null ? 'None' : fmt(v))).join(', ')}${value.length === 1 ? ',' : ''})`
  if (value === null || value === undefined) return 'None'
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'object') {
    try { return JSON.stringify(value) } catch { return String(value) }
  }
  return String(value)
}
