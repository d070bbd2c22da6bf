/**
 * Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core; no browser download) runs a page
 * bundled with esbuild from `@kx/layers` + `@kx/backend-webgpu` on the browser's own WebGPU: it loads a real
 * Keras 3 `.keras` file (shared/fixtures/keras-models, IDAES surrogate), predicts, and trains a fresh model
 * with `fit` (test/browser/app.ts).
 *
 * WebGPU in headless Chromium on GPU-less Linux (checked with Chromium 156, Debian 12):
 * - `--enable-unsafe-webgpu` alone gives an adapter: SwiftShader's Vulkan, `{vendor: 'google',
 *   architecture: 'swiftshader'}`, without `shader-f16`. `--use-webgpu-adapter=swiftshader`,
 *   `--use-angle=swiftshader`, `--enable-features=Vulkan` and `--use-vulkan=native` change nothing here.
 * - `navigator.gpu` exists only in secure contexts: serve the page from http://127.0.0.1, not about:blank
 *   or file://.
 * Skips loudly without Chromium or the fixtures, unless KX_REQUIRE_BROWSER=1 and KX_REQUIRE_WEBGPU=1 (CI),
 * where it fails.
 */
import { describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const CHROMIUM = process.env['KX_CHROMIUM'] ?? '/usr/bin/chromium'
const here = dirname(fileURLToPath(import.meta.url))
const FIXTURES = join(here, '../../../../shared/fixtures/keras-models/idaes_keras3_dense_surrogates')
const MODEL = 'PT_data_2_10_10_2_relu'
const required = process.env['KX_REQUIRE_BROWSER'] === '1' && process.env['KX_REQUIRE_WEBGPU'] === '1'
const missing = !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM}` : !existsSync(join(FIXTURES, 'expected.json')) ? `no fixtures at ${FIXTURES}` : null

if (missing && required) throw new Error(`KX_REQUIRE_BROWSER=1 and KX_REQUIRE_WEBGPU=1 but ${missing}. Install chromium (apt-get install -y chromium) or set KX_CHROMIUM.`)
if (missing) console.warn(`\n!!!!!!!! backend-webgpu browser test: SKIPPED — ${missing}. Set KX_REQUIRE_BROWSER=1 KX_REQUIRE_WEBGPU=1 to make this a failure. !!!!!!!!\n`)

/* eslint-disable @typescript-eslint/no-explicit-any -- expected.json is the fixture's own shape */
const spec: any = missing ? null : JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8'))

/** IDAES's OffsetScaler in front of the model: x → (x − offset) / factor, per input column. */
function scaledInputs(m: any): number[][] {
  const cols = Object.keys(m.inputs)
  return (m.inputs[cols[0]!] as number[]).map((_, i) => cols.map((c) => (m.inputs[c][i] - m.input_scaler.offset[c]) / m.input_scaler.factor[c]))
}

async function bundle(dir: string, x: number[][]): Promise<void> {
  const { build } = await import('esbuild')
  await build({
    entryPoints: [join(here, 'browser', 'page.ts')], outfile: join(dir, 'page.js'), bundle: true, format: 'esm', platform: 'browser',
    target: 'es2022', conditions: ['@kx/source'], logLevel: 'error',
    // Node-only branches of the saving code (file paths) are never taken in the page.
    external: ['node:*'],
  })
  writeFileSync(join(dir, 'model.keras'), readFileSync(join(FIXTURES, `${MODEL}.keras`)))
  writeFileSync(join(dir, 'input.json'), JSON.stringify(x))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>kx webgpu</title><script type="module" src="page.js"></script>')
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' }

function serve(dir: string): Promise<[Server, string]> {
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').split('?')[0]!.replace(/^\/+/, '') || 'index.html'
    const file = join(dir, name)
    if (name.includes('..') || !existsSync(file)) { res.writeHead(404).end(); return }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file))
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const a = server.address()
    resolve([server, `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/`])
  }))
}

describe.skipIf(missing !== null)(`browser WebGPU (headless Chromium at ${CHROMIUM})`, () => {
  it('loads a .keras file, predicts Keras\'s numbers and trains with fit on the page\'s WebGPU adapter', async () => {
    const m = spec.models[MODEL]
    const dir = mkdtempSync(join(tmpdir(), 'kx-webgpu-browser-'))
    await bundle(dir, scaledInputs(m))
    const [server, url] = await serve(dir)
    const { chromium } = await import('playwright-core')
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-dev-shm-usage', '--no-first-run', '--disable-extensions'],
    })
    try {
      const page = await browser.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await page.goto(url)
      await page.waitForFunction(() => (window as unknown as { __kxResult?: unknown }).__kxResult !== undefined, undefined, { timeout: 150_000 })
      const r = await page.evaluate(() => (window as unknown as { __kxResult: Record<string, any> }).__kxResult)
      expect(errors).toEqual([])
      expect(r['error'] ?? null).toBeNull()
      expect(r['ok']).toBe(true)
      expect(r['backend']).toBe('webgpu')
      expect(String(r['userAgent'])).toMatch(/Chrome/)
      // The browser's own adapter (SwiftShader here), not Dawn-in-Node's lavapipe.
      expect(r['adapter']).toMatch(/^[^/]+\/[^/]+$/)
      expect(r['adapter']).not.toMatch(/^mesa/)
      const preds = r['predictions'] as number[][]
      const { rtol, atol } = spec.tolerance
      ;['EnthMol', 'VapFrac'].forEach((name, j) => {
        ;(m.expected[name] as number[]).forEach((want, i) => {
          const got = preds[i]![j]! * m.output_scaler.factor[name] + m.output_scaler.offset[name]
          expect(Math.abs(got - want), `${name}[${i}]: got ${got}, want ${want}`).toBeLessThanOrEqual(atol + rtol * Math.abs(want))
        })
      })
      const losses = r['losses'] as number[]
      expect(losses).toHaveLength(8)
      expect(losses.every(Number.isFinite)).toBe(true)
      expect(losses[7]!).toBeLessThan(losses[0]! * 0.5)
    } finally {
      await browser.close()
      server.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 180_000)
})
