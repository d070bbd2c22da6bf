import { defineProject } from 'vitest/config'
import { sourceConditions } from '../../vitest.shared.ts'

export default defineProject({
  resolve: sourceConditions,
  ssr: { resolve: sourceConditions },
  test: { name: 'backend-conformance', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
})
