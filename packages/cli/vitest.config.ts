import { defineProject } from 'vitest/config'

export default defineProject({
  // Resolve sibling packages to their sources so tests need no build (the process tests run the built command).
  ssr: { resolve: { conditions: ['@chatbridge/source'] } },
  resolve: { conditions: ['@chatbridge/source'] },
  test: {
    name: 'cli',
    include: ['test/**/*.test.ts'],
  },
})
