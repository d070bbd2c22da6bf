/**
 * Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) loads a page bundled with
 * esbuild that trains a small MLP on tfjs-wasm and on the reference backend and reports both. Skips
 * with a visible reason when Chromium is missing, unless KX_REQUIRE_BROWSER=1 (CI), where it fails.
 */
import { describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const CHROMIUM = process.env['KX_CHROMIUM'] ?? '/usr/bin/chromium'
const required = process.env['KX_REQUIRE_BROWSER'] === '1'
const present = existsSync(CHROMIUM)
const here = dirname(fileURLToPath(import.meta.url))

if (!present && required) {
  throw new Error(`KX_REQUIRE_BROWSER=1 but no Chromium at ${CHROMIUM}. Install it (apt-get install -y chromium) or point KX_CHROMIUM at a Chromium binary.`)
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' }

async function bundle(dir: string): Promise<void> {
  const { build } = await import('esbuild')
  await build({
    entryPoints: [join(here, 'browser', 'page.ts')], outfile: join(dir, 'page.js'), bundle: true, format: 'esm', platform: 'browser',
    target: 'es2022', conditions: ['@kx/source'], logLevel: 'error',
  })
  const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))
  const { copyFileSync, writeFileSync } = await import('node:fs')
  for (const f of readdirSync(wasmDir).filter((n) => n.endsWith('.wasm'))) copyFileSync(join(wasmDir, f), join(dir, f))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>kx</title><script type="module" src="page.js"></script>')
}

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

describe.skipIf(!present)(`browser (headless Chromium at ${CHROMIUM})`, () => {
  it('trains on tfjs-wasm in the page and matches the reference backend', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kx-browser-'))
    const [server, url] = await (async () => { await bundle(dir); return serve(dir) })()
    const { chromium } = await import('playwright-core')
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage', '--no-first-run', '--disable-extensions'],
    })
    try {
      const page = await browser.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await page.goto(url)
      await page.waitForFunction(() => (window as unknown as { __kxResult?: unknown }).__kxResult !== undefined, undefined, { timeout: 60_000 })
      const result = await page.evaluate(() => (window as unknown as { __kxResult: Record<string, unknown> }).__kxResult)
      expect(errors).toEqual([])
      expect(result['error'] ?? null).toBeNull()
      expect(result['ok']).toBe(true)
      expect(result['backend']).toBe('tfjs-wasm')
      expect(String(result['userAgent'])).toMatch(/Chrome/)
      const losses = result['losses'] as number[]
      expect(losses).toHaveLength(10)
      expect(losses[9]!).toBeLessThan(losses[0]!)
      expect(result['maxDiff'] as number).toBeLessThan(1e-4)
      expect(result['liveTensors']).toBe(0)
    } finally {
      await browser.close()
      server.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

if (!present) {
  describe('browser', () => {
    it.skip(`skipped: no Chromium at ${CHROMIUM} (set KX_REQUIRE_BROWSER=1 to make this a failure)`, () => {})
  })
}
