import { createRequire } from 'node:module'
import { expect, it } from 'vitest'

it('importing the package does not load nock (which would patch http and fetch for every user)', async () => {
  const testing = await import('../src/index.js')
  expect(typeof testing.startLegacyChatServer).toBe('function')
  const cache = createRequire(import.meta.url).cache
  expect(Object.keys(cache).filter((path) => path.includes('/nock/'))).toEqual([])
})
