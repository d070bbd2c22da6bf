/** @file The call context: `training` flows from an outer call to nested layers, like Keras's CallContext. */

interface CallContext { training: boolean | undefined }
const stack: CallContext[] = []

/** @internal */
export function currentTraining(): boolean | undefined { return stack[stack.length - 1]?.training }

/** @internal Whether a layer call is in progress (a nested call, in Keras's terms). */
export function inCallContext(): boolean { return stack.length > 0 }

/** @internal Runs `fn` with a training flag visible to nested layer calls. */
export function withCallContext<T>(training: boolean | undefined, fn: () => T): T {
  stack.push({ training })
  try { return fn() } finally { stack.pop() }
}

/** Masks attached to tensors (Keras's `tensor._keras_mask`). */
const masks = new WeakMap<object, unknown>()
/** Returns the Keras mask attached to a tensor, if any. */
export function getKerasMask(t: object): unknown { return masks.get(t) }
/** Attaches (or clears, with null) a Keras mask on a tensor. */
export function setKerasMask(t: object, mask: unknown): void {
  if (mask === null || mask === undefined) masks.delete(t)
  else masks.set(t, mask)
}
