/** @file The saving module's own typed error. */
import { NotImplementedError } from '@kx/core'

/**
 * A file format that cannot express part of a model (e.g. a layer whose state is not a list of
 * variables, in the TF.js layers format). Code `'not-implemented'`; the message names the layer and
 * the formats that can hold it.
 *
 * @example
 * ```ts
 * try { await saveLayersModel(model, files) } catch (e) { if (e instanceof FormatCannotExpressError) await saveModel(model, files) }
 * ```
 */
export class FormatCannotExpressError extends NotImplementedError {}
