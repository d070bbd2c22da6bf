/**
 * @file The browser build registers only the tfjs-backend-webgpu kernels kx calls (`src/tfjsKernels.browser.ts`,
 * generated from the kernel names written in backend-tfjs and backend-webgpu): the file must match what the
 * generator makes from today's sources, or a browser app would miss a kernel kx now calls.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
// @ts-expect-error -- a plain .mjs script without type declarations
import { generate } from '../../../tools/ci/gen-webgpu-kernels.mjs'

describe('browser kernel set of tfjs-backend-webgpu', () => {
  const generated = (generate as () => { kernels: string[]; text: string })()

  it('is up to date with the kernel names kx calls (else run node tools/ci/gen-webgpu-kernels.mjs)', () => {
    expect(readFileSync(new URL('../src/tfjsKernels.browser.ts', import.meta.url), 'utf8')).toBe(generated.text)
  })

  it('holds the kernels every model needs and leaves out ones kx never calls', () => {
    for (const k of ['BatchMatMul', 'Add', 'Conv2D', 'Softmax', 'Reshape', 'Transpose', 'Cast', 'Sum', 'Max']) expect(generated.kernels).toContain(k)
    for (const k of ['LRN', 'CropAndResize', 'FromPixels', 'NonMaxSuppressionV5', 'StringNGrams']) expect(generated.kernels).not.toContain(k)
  })
})
