/** @file Late-bound hooks between engine and saving (no imports here, so no module cycle can reach it). */

let serializeModel: ((model: object) => unknown) | undefined

/** @internal Installed by the config writer (saving/serializeLib.ts) when it loads. */
export function installSerializeModelHook(fn: (model: object) => unknown): void { serializeModel = fn }

/** @internal The installed config writer, or undefined. */
export function serializeModelHook(): ((model: object) => unknown) | undefined { return serializeModel }

let builtinRegistrar: (() => void) | undefined

/** @internal Installed by layers/builtins.ts when it loads (the package index loads it). */
export function installBuiltinRegistrar(fn: () => void): void { builtinRegistrar = fn }

/** @internal Registers the built-in layer classes, if the registrar is loaded. */
export function registerBuiltinsIfLoaded(): void { builtinRegistrar?.() }

/** Resolves and serializes regularizer identifiers (installed by regularizers/regularizers.ts when it loads). */
export interface RegularizerHooks {
  get(identifier: unknown): { apply(x: unknown): unknown } | null
  serialize(regularizer: unknown): unknown
}
let regularizerHooks: RegularizerHooks | undefined

/** @internal Installed by the regularizers module, so the engine can take `activityRegularizer: 'l2'`. */
export function installRegularizerHooks(h: RegularizerHooks): void { regularizerHooks = h }

/** @internal The installed regularizer hooks, or undefined. */
export function getRegularizerHooks(): RegularizerHooks | undefined { return regularizerHooks }

/** Resolves and serializes constraint identifiers (installed by constraints/constraints.ts when it loads). */
export interface ConstraintHooks {
  get(identifier: unknown): unknown
  serialize(constraint: unknown): unknown
}
let constraintHooks: ConstraintHooks | undefined

/** @internal Installed by the constraints module, so the layers can take `kernelConstraint: 'non_neg'`. */
export function installConstraintHooks(h: ConstraintHooks): void { constraintHooks = h }

/** @internal The installed constraint hooks, or undefined. */
export function getConstraintHooks(): ConstraintHooks | undefined { return constraintHooks }

/** `Model.save` / `saveWeights` / `loadWeights` implementations (saving/saveModel.ts), installed by the package root. */
export interface ModelFileHooks {
  save(model: object, target: unknown, options: object): Promise<void>
  saveWeights(model: object, target: unknown, options: object): Promise<void>
  loadWeights(model: object, source: unknown, options: object): Promise<void>
}
let modelFileHooks: ModelFileHooks | undefined

/** @internal Installed by the package root (index.ts), so a `@kx/layers/saving` bundle that never saves carries no writer. */
export function installModelFileHooks(h: ModelFileHooks): void { modelFileHooks = h }

/** @internal The installed model file hooks, or undefined. */
export function getModelFileHooks(): ModelFileHooks | undefined { return modelFileHooks }
