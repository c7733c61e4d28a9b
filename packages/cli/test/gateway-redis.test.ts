// `chatbridge gateway --redis`: the shared store is connected before the gateway serves, and an
// unreachable Redis stops the command with the URL (never its password) and a failure exit code.
import { expect, test, vi } from 'vitest'
import { freePort } from '../../redis/test/support/redis-server.js'
import { describeWithRedis } from '../../redis/test/support/redis-suite.js'
import { runCli, startCli } from './run-cli.js'

vi.setConfig({ testTimeout: 45_000 })

test('Redis unreachable at start: one line naming the URL without credentials, exit 1', async () => {
  const port = await freePort()
  const { code, stdout, stderr } = await runCli(['gateway', '--redis', `redis://chat:s3cret-pw@127.0.0.1:${port}/0`], { timeoutMs: 20_000 })
  expect(code).toBe(1)
  expect(stdout).toBe('')
  expect(stderr).toContain(`Redis at redis://127.0.0.1:${port}/0 cannot be reached`)
  expect(stderr).not.toContain('s3cret-pw')
  expect(stderr.trim().split('\n')).toHaveLength(1)
})

test('REDIS_URL is read like --redis, and --lease-ttl without a Redis is a usage error', async () => {
  const port = await freePort()
  const viaEnv = await runCli(['gateway'], { env: { REDIS_URL: `redis://127.0.0.1:${port}` }, timeoutMs: 20_000 })
  expect(viaEnv.code).toBe(1)
  expect(viaEnv.stderr).toContain(`Redis at redis://127.0.0.1:${port}`)
  const usage = await runCli(['gateway', '--lease-ttl', '5s'])
  expect(usage.code).toBe(2)
  expect(usage.stderr).toContain('--lease-ttl needs --redis')
})

describeWithRedis('chatbridge gateway --redis on a real Redis', (redis) => {
  test('serves with the store, /readyz 200, and SIGTERM closes the gateway, then the store, exit 0', async () => {
    const cli = startCli(['gateway', '--json', '--redis', redis().url, '--lease-ttl', '2s'])
    await cli.line(/./, 20_000)
    const { url } = JSON.parse(cli.stdout().split('\n')[0] ?? '') as { url: string }
    const ready = await fetch(`${url}/readyz`)
    expect(ready.status).toBe(200)
    cli.child.kill('SIGTERM')
    expect(await cli.exit()).toBe(0)
  })
})
