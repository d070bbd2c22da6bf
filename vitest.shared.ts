/** Resolve workspace packages to their TypeScript sources in tests (no build needed). */
export const sourceConditions = { conditions: ['@kx/source', 'module', 'node', 'development|production'] }
