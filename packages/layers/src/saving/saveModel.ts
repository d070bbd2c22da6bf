/** @file PLACEHOLDER (being written): `.keras` / `.weights.h5` saving and loading. */
import { NotImplementedError } from '@kx/core'
import type { Model } from '../engine/Model.js'

export async function saveModel(_model: Model, _filepath: unknown, _options: Record<string, unknown> = {}): Promise<void> {
  throw new NotImplementedError('model.save() is being written.')
}
export async function saveWeights(_model: Model, _filepath: unknown, _options: Record<string, unknown> = {}): Promise<void> {
  throw new NotImplementedError('model.saveWeights() is being written.')
}
export async function loadWeights(_model: Model, _filepath: unknown, _options: Record<string, unknown> = {}): Promise<void> {
  throw new NotImplementedError('model.loadWeights() is being written.')
}
