/**
 * @file Helpers for the golden tests: the decoding and comparison of the JSON written by tools/golden/ops_numpy.py
 * live in @kx/backend-conformance (which runs the same cases on every backend); these bind them to this
 * package's namespace and to vitest.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import {
  callNumpyCase, closeProblems, decodeArg as decodeArgOf, numpyOutProblems, numpyTolerance, resolveOp as resolveOpOf,
  type EncArg, type EncOut, type NumpyGoldenCase,
} from '@kx/backend-conformance'
import type { DType } from '@kx/core'
import * as ops from '../src/index.js'

export { flat, num } from '@kx/backend-conformance'
export type { Enc, EncArg, EncKeyItem, EncOut, EncTensor } from '@kx/backend-conformance'
export type GoldenCase = NumpyGoldenCase

export function loadGolden(group: string): GoldenCase[] {
  const path = fileURLToPath(new URL(`./golden/ops_numpy_${group}.json`, import.meta.url))
  return (JSON.parse(readFileSync(path, 'utf8')) as { cases: GoldenCase[] }).cases
}

/** Decodes an argument onto the active backend. */
export const decodeArg = (a: EncArg): unknown => decodeArgOf(ops, a)
/** Keras op name (`add`, `linalg.det`, `math.top_k`) → the kx function, or undefined when missing. */
export const resolveOp = (name: string): ((...args: unknown[]) => unknown) | undefined => resolveOpOf(ops, name)
export const callCase = (c: GoldenCase): unknown => callNumpyCase(ops, c)

/** Expects `actual` within the golden tolerance of dtype `d` (or `override`) of `expected`. */
export function assertClose(actual: ArrayLike<number>, expected: readonly number[], d: DType, where: string, override?: number): void {
  expect(closeProblems(actual, expected, numpyTolerance(d, override), where)).toEqual([])
}

/** Expects an op's output to match the golden output (dtype, shape, values). */
export async function checkOut(actual: unknown, expected: EncOut, where: string, override?: number, sortLast = false): Promise<void> {
  expect(await numpyOutProblems(actual, expected, where, { ...(override ? { tol: override } : {}), sortLast })).toEqual([])
}
