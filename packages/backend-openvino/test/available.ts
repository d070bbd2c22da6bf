/** @file Whether the OpenVINO runtime is here: tests run when it is, fail when KX_REQUIRE_OPENVINO=1 and it is not, else skip loudly. */
import { describe, it } from 'vitest'
import { openVINOLibraryPath } from '../src/index.js'

let why = ''
try { openVINOLibraryPath() } catch (e) { why = e instanceof Error ? e.message : String(e) }

/** True when libopenvino_c loaded. */
export const available = why === ''

/** `describe` when the runtime is available; otherwise a failing test (required) or a loud skip. */
export function describeOpenVINO(name: string, fn: () => void): void {
  if (available) { describe(name, fn); return }
  if (process.env.KX_REQUIRE_OPENVINO === '1') {
    describe(name, () => { it('needs the OpenVINO runtime (KX_REQUIRE_OPENVINO=1)', () => { throw new Error(why) }) })
    return
  }
  console.warn(`[backend-openvino] SKIPPING "${name}": the OpenVINO runtime is not available. ${why}`)
  describe.skip(name, fn)
}
