import { defineProject } from 'vitest/config'

// The real-browser test of the chat window; to be folded into the gateway package's config.
export default defineProject({
  // Resolve sibling packages to their sources so tests need no build.
  ssr: { resolve: { conditions: ['@chatbridge/source'] } },
  resolve: { conditions: ['@chatbridge/source'] },
  test: {
    name: 'gateway-browser',
    root: import.meta.dirname,
    include: ['**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
