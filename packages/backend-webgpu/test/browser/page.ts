/** @file The browser page of browser.test.ts: fetches the model and inputs it is served, runs the app, reports. */
import { runApp } from './app.js'

declare global { interface Window { __kxResult?: unknown } }

async function main(): Promise<void> {
  try {
    const keras = new Uint8Array(await (await fetch('model.keras')).arrayBuffer())
    const x = (await (await fetch('input.json')).json()) as number[][]
    window.__kxResult = { ok: true, userAgent: navigator.userAgent, ...(await runApp(keras, x)) }
  } catch (e) {
    window.__kxResult = { ok: false, error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e) }
  }
}
void main()
