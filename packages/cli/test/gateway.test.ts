import { describe, expect, test, vi } from 'vitest'
import { WebSocket } from 'ws'
import { runCli, startCli, type CliProcess } from './run-cli.js'

// Each test runs the built command as a process, one at a time: the other CLI tests run theirs at once.
vi.setConfig({ testTimeout: 45_000 })
const startMs = 20_000

interface Listening {
  readonly url: string
  readonly wsUrl: string
  readonly publicHost: string
  readonly accountId: string
  readonly window: string
}

/** Starts `chatbridge gateway --json …args` and reads its first line, which must be the URLs. */
async function startGatewayCli(args: readonly string[] = [], env: Readonly<Record<string, string>> = {}): Promise<{ cli: CliProcess; listening: Listening }> {
  const cli = startCli(['gateway', '--json', ...args], env)
  await cli.line(/./, startMs)
  const first = cli.stdout().split('\n')[0] ?? ''
  return { cli, listening: JSON.parse(first) as Listening }
}

/** Sends one request frame on `ws` and resolves with its response. */
function request(ws: WebSocket, id: number, type: string, body: unknown, headers?: unknown[]): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer): void => {
      const frame = JSON.parse(data.toString()) as Record<string, unknown>
      if (frame['kind'] !== 'resp' || frame['reqId'] !== id) return
      ws.off('message', onMessage)
      resolve(frame)
    }
    ws.on('message', onMessage)
    ws.send(JSON.stringify({ kind: 'req', id, type, body, ...(headers === undefined ? {} : { headers }) }))
  })
}

describe('chatbridge gateway', () => {
  test('--help prints its usage and exits 0', async () => {
    const { code, stdout, stderr } = await runCli(['gateway', '--help'])
    expect(code).toBe(0)
    expect(stdout).toMatch(/^Usage: chatbridge gateway/)
    expect(stdout).toContain('--abandon-after')
    expect(stderr).toBe('')
  })

  test.each([
    [['gateway', '--nope'], "chatbridge: gateway: Unknown option '--nope'. (see chatbridge gateway --help)"],
    [['gateway', '--port', '70000'], 'chatbridge: gateway: --port must be 0-65535, got 70000 (see chatbridge gateway --help)'],
    [['gateway', '--abandon-after', 'soon'], 'chatbridge: gateway: --abandon-after must be a duration such as 30s, 10m or 600000 (ms), got "soon" (see chatbridge gateway --help)'],
    [['gateway', '--tls-cert', 'cert.pem'], 'chatbridge: gateway: give --tls-cert and --tls-key together (see chatbridge gateway --help)'],
    [['gateway', '--account-root', 'http://127.0.0.1:9/api/account/1'], 'chatbridge: gateway: give the app key with --app-key or CHATBRIDGE_APP_KEY (see chatbridge gateway --help)'],
    [['gateway', '--format', 'yaml'], 'chatbridge: gateway: --format must be json or xml, got "yaml" (see chatbridge gateway --help)'],
  ])('chatbridge %j fails with one line and exit code 2', async (args, message) => {
    const { code, stdout, stderr } = await runCli(args)
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toBe(`${message}\n`)
  })

  test('a bad --public-host is a usage error in the gateway’s words', async () => {
    const { code, stderr } = await runCli(['gateway', '--public-host', 'https://chat.example'], { timeoutMs: startMs })
    expect(code).toBe(2)
    expect(stderr).toBe('chatbridge: gateway: publicHost must be host[:port] without a scheme, got "https://chat.example" (see chatbridge gateway --help)\n')
  })

  test('--json prints the URLs as its first line, the gateway answers on them, and SIGTERM drains and exits 0', async () => {
    const { cli, listening } = await startGatewayCli()
    expect(listening).toEqual({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      wsUrl: `${listening.url.replace('http:', 'ws:')}/ws_api/account/${listening.accountId}/messaging/consumer?v=3`,
      publicHost: listening.url.slice('http://'.length),
      accountId: '12345678',
      window: `${listening.url}/`,
    })
    const health = await fetch(`${listening.url}/healthz`)
    expect(await health.json()).toEqual({ status: 'ok' })
    const page = await (await fetch(listening.window)).text()
    expect(page).toContain('<meta name="chatbridge-account" content="12345678">')
    cli.child.kill('SIGTERM')
    expect(await cli.exit(startMs)).toBe(0)
    expect(cli.stderr()).toContain('embedded legacy chat server')
  })

  test('a Messaging consumer signs up, connects and gets a conversation on the embedded server; sockets close with 1001 on SIGINT', async () => {
    const { cli, listening } = await startGatewayCli()
    const signup = await fetch(`${listening.url}/api/account/${listening.accountId}/signup`, { method: 'POST' })
    const { jwt } = (await signup.json()) as { jwt: string }
    const ws = new WebSocket(listening.wsUrl)
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
    const init = await request(ws, 1, 'InitConnection', {}, [{ type: '.ams.headers.ConsumerAuthentication', jwt }])
    expect(init['code']).toBe(200)
    const requested = await request(ws, 2, 'cm.ConsumerRequestConversation', { brandId: listening.accountId })
    expect(requested).toMatchObject({ code: 200, type: 'cm.RequestConversationResponse', body: { conversationId: expect.any(String) } })
    cli.child.kill('SIGINT')
    expect(await closed).toBe(1001)
    expect(await cli.exit(startMs)).toBe(0)
  })

  test('serves a legacy account given by the environment, never printing its app key', async () => {
    const { startLegacyChatServer } = await import('@chatbridge/testing')
    const server = await startLegacyChatServer({ appKey: 'gateway-secret-key-0123456789' })
    try {
      const { cli, listening } = await startGatewayCli(['--format', 'xml', '--port', '0'], { CHATBRIDGE_ACCOUNT_ROOT: server.accountRoot, CHATBRIDGE_APP_KEY: server.appKey })
      expect(listening.accountId).toBe(new URL(server.accountRoot).pathname.split('/').at(-1))
      expect((await fetch(`${listening.url}/csdr/account/${listening.accountId}/service/asyncMessagingEnt/baseURI.json`)).status).toBe(200)
      cli.child.kill('SIGTERM')
      expect(await cli.exit(startMs)).toBe(0)
      expect(cli.stderr()).toContain(`legacy account ${server.accountRoot} (xml)`)
      expect(cli.stdout() + cli.stderr()).not.toContain(server.appKey)
    } finally {
      await server.close()
    }
  })
})
