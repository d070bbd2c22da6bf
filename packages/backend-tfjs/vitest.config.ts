import { defineProject } from 'vitest/config'
import { sourceConditions } from '../../vitest.shared.ts'

export default defineProject({
  resolve: sourceConditions,
  ssr: { resolve: sourceConditions },
  test: { name: 'backend-tfjs', include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
})
