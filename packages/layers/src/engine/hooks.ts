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
