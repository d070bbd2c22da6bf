/** @file Late-bound hooks between engine and saving (no imports here, so no module cycle can reach it). */

let serializeModel: ((model: object) => unknown) | undefined

/** @internal Installed by the config writer (saving/serializeLib.ts) when it loads. */
export function installSerializeModelHook(fn: (model: object) => unknown): void { serializeModel = fn }

/** @internal The installed config writer, or undefined. */
export function serializeModelHook(): ((model: object) => unknown) | undefined { return serializeModel }
