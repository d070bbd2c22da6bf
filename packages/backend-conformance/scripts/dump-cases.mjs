// Writes every conformance case with its materialised inputs as JSON (stdout, or the path given),
// for tools/golden/conformance.py. Needs the built package: `pnpm --filter "@kx/backend-conformance..." run build`.
import { writeFileSync } from 'node:fs'
import { dumpCases } from '../dist/index.js'

const text = JSON.stringify({ cases: dumpCases() })
if (process.argv[2]) writeFileSync(process.argv[2], text)
else process.stdout.write(text)
