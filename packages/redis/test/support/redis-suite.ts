/**
 * How a test file gets its Redis: a real server started in `beforeAll` and stopped in `afterAll`.
 * In CI a missing redis-server fails the file; elsewhere the file is skipped with a message.
 */
import { afterAll, beforeAll, describe } from 'vitest'
import { REDIS_MISSING, type TestRedis, redisServerAvailable, startRedis } from './redis-server.js'

const available = redisServerAvailable()
if (!available && process.env['CI'] !== 'true') console.warn(`skipping Redis tests: ${REDIS_MISSING}`)

/** `describe` for tests that need a real Redis; the server is reached through the returned getter. */
export function describeWithRedis(name: string, body: (redis: () => TestRedis) => void, options: { readonly appendOnly?: boolean } = {}): void {
  // In CI the suite runs and fails in beforeAll with what to install, never skips.
  const runs = available || process.env['CI'] === 'true'
  ;(runs ? describe : describe.skip)(name, () => {
    let server: TestRedis | undefined
    beforeAll(async () => {
      server = await startRedis(options)
    })
    afterAll(async () => {
      await server?.dispose()
    })
    body(() => {
      if (server === undefined) throw new Error('redis-server did not start')
      return server
    })
  })
}
