import { createServer } from 'node:net'
import { expect, it } from 'vitest'
import { RedisStoreError, createStoreClient, redactRedisUrl } from '../src/index.js'

it('names the URL without credentials when Redis cannot be reached at start', async () => {
  // A port nothing listens on: bind one, read it, close it.
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((resolve) => server.close(() => resolve()))

  const failure = await createStoreClient(`redis://admin:s3cret-pass@127.0.0.1:${port}/0`, { connectTimeoutMs: 2_000 }).catch((error: unknown) => error)
  expect(failure).toBeInstanceOf(RedisStoreError)
  const error = failure as RedisStoreError
  expect(error.code).toBe('E_REDIS_UNAVAILABLE')
  expect(error.message).toContain(`redis://127.0.0.1:${port}/0`)
  expect(error.message).toContain('ECONNREFUSED')
  expect(`${error.message} ${error.stack ?? ''} ${JSON.stringify(error)}`).not.toContain('s3cret-pass')
})

it('redacts user and password from Redis URLs and never echoes an unparseable one', () => {
  expect(redactRedisUrl('redis://u:p@host:6379/2')).toBe('redis://host:6379/2')
  expect(redactRedisUrl('redis://host:6379')).toBe('redis://host:6379')
  expect(redactRedisUrl('not a url with pass')).toBe('(an unparseable Redis URL)')
})
