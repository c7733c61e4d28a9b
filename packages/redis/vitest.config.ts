import { defineProject } from 'vitest/config'

export default defineProject({
  // Resolve sibling packages to their sources so tests need no build.
  ssr: { resolve: { conditions: ['@chatbridge/source'] } },
  resolve: { conditions: ['@chatbridge/source'] },
  test: {
    name: 'redis',
    include: ['test/**/*.test.ts'],
  },
})
