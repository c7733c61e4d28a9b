import { LegacyChatClient } from '@chatbridge/core'
import { type LegacyChatServer, startLegacyChatServer } from '@chatbridge/testing'
import { afterAll, beforeAll, describe, expect, onTestFinished, test, vi } from 'vitest'
import type { ServerFrame } from '@chatbridge/adapter'
import { frames, runCli, startCli } from './run-cli.js'

// Each test runs the built command as a process; several run at once.
vi.setConfig({ testTimeout: 45_000 })

const contentOf = (all: readonly ServerFrame[]): string[] =>
  all.flatMap((frame) =>
    frame.kind === 'notification' && frame.type === 'ms.MessagingEventNotification'
      ? frame.body.changes.flatMap((change) => (change.event.type === 'ContentEvent' ? [`${change.originatorMetadata.role}: ${change.event.message}`] : []))
      : [],
  )

describe.concurrent('--help and bad flags', () => {
  test.each(['demo', 'tail', 'chat', 'serve', 'gateway'])('chatbridge %s --help prints its usage and exits 0', async (command) => {
    const { code, stdout, stderr } = await runCli([command, '--help'])
    expect(code).toBe(0)
    expect(stdout).toMatch(new RegExp(`^Usage: chatbridge ${command}`))
    expect(stderr).toBe('')
  })

  test('chatbridge --help lists the commands', async () => {
    const { code, stdout } = await runCli(['--help'])
    expect(code).toBe(0)
    for (const command of ['demo', 'tail', 'chat', 'serve', 'gateway']) expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'))
  })

  test.each([
    [['demo', '--nope'], "chatbridge: demo: Unknown option '--nope'. (see chatbridge demo --help)"],
    [['tail', 'abc', '--from', 'soon', '--app-key', 'k', '--account-root', 'http://127.0.0.1:9/api/account/1'], 'chatbridge: tail: --from must be a non-negative integer, got "soon" (see chatbridge tail --help)'],
    [['chat', '--format', 'yaml', '--app-key', 'k', '--account-root', 'http://127.0.0.1:9/api/account/1'], 'chatbridge: chat: --format must be json or xml, got "yaml" (see chatbridge chat --help)'],
    [['serve', '--port', '70000'], 'chatbridge: serve: --port must be 0-65535, got 70000 (see chatbridge serve --help)'],
    [['tail', 'abc', '--app-key', 'k', '--account-root', 'http://exa mple/api'], 'chatbridge: accountRoot must be an absolute URI such as https://{domain}/api/account/{accountId}, got "http://exa mple/api" (see chatbridge tail --help)'],
    [['tail', 'abc'], 'chatbridge: tail: give the account root with --account-root https://{domain}/api/account/{accountId} or CHATBRIDGE_ACCOUNT_ROOT (see chatbridge tail --help)'],
    [['frobnicate'], 'chatbridge: unknown command "frobnicate"; the commands are demo, tail, chat, serve, gateway (see chatbridge --help)'],
  ])('chatbridge %j fails with one line and exit code 2', async (args, message) => {
    const { code, stdout, stderr } = await runCli(args)
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toBe(`${message}\n`)
  })

  test('an unreachable server is one line and exit code 1, without the app key', async () => {
    const { code, stderr } = await runCli(['tail', 'http://127.0.0.1:9/api/account/1/chat/abc'], { env: { CHATBRIDGE_APP_KEY: 'sekrit-app-key-0001' } })
    expect(code).toBe(1)
    expect(stderr).toMatch(/^chatbridge: cannot read chat abc: GET http:\/\/127\.0\.0\.1:9\/api\/account\/1\/chat\/abc\S* failed: ECONNREFUSED\n$/)
  })
})

describe.concurrent('against the testing server', () => {
  let server: LegacyChatServer
  let client: LegacyChatClient
  beforeAll(async () => {
    server = await startLegacyChatServer()
    client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey })
  })
  afterAll(async () => {
    await client.close()
    await server.close()
  })

  /** A chat that waits for its agent, and its server-side handle. */
  const newChat = async () => {
    const session = await client.startChat({ skill: 'Sales' })
    const chat = server.chat(session.conversationId)
    if (chat === undefined) throw new Error('the server lost the chat')
    return { session, chat }
  }

  test('tail replays an ended chat by URI (account root taken from it) as NDJSON, and exits 0', async () => {
    const { session, chat } = await newChat()
    chat.accept({ name: 'Natalie', id: 7 })
    await session.addLine('hello')
    chat.say('<b>Hi</b> there', { html: true })
    chat.end()
    const { code, stdout, stderr } = await runCli(['tail', session.uri.href, '--json'], { env: { CHATBRIDGE_APP_KEY: server.appKey } })
    expect(stderr).not.toContain(server.appKey)
    expect(code).toBe(0)
    const all = frames(stdout)
    expect(contentOf(all)).toEqual(expect.arrayContaining(['CONSUMER: hello', 'ASSIGNED_AGENT: Hi there']))
    expect(stdout).not.toContain(server.appKey)
  })

  test('tail follows a live chat by conversation id from --from, and exits 0 when it closes', async () => {
    const { session, chat } = await newChat()
    chat.accept({ name: 'Natalie', id: 7 })
    const early = chat.say('before the tail started')
    const from = Number(early['@id']) + 1
    const tail = startCli(['tail', session.conversationId, '--from', String(from), '--account-root', server.accountRoot, '--app-key', server.appKey])
    await tail.line(/● conversation OPEN/)
    chat.typing(true)
    chat.say('<i>live</i> line', { html: true })
    await tail.line(/ASSIGNED_AGENT\s+live line\s+│ #\d+ line agent html/)
    chat.end()
    expect(await tail.exit()).toBe(0)
    expect(tail.stdout()).not.toContain('before the tail started')
    expect(tail.stdout()).toMatch(/● conversation CLOSE closeReason AGENT/)
    expect(tail.stdout() + tail.stderr()).not.toContain(server.appKey)
  })

  test('tail stops on Ctrl-C with exit code 130, leaving the chat open', async () => {
    const { session, chat } = await newChat()
    const tail = startCli(['tail', session.uri.href, '--app-key', server.appKey])
    await tail.line(/● conversation OPEN participants CONSUMER/)
    tail.child.kill('SIGINT')
    expect(await tail.exit()).toBe(130)
    expect(chat.state).toBe('waiting')
  })

  test('tail with a wrong app key fails with one line and exit code 1, never echoing the key', async () => {
    const { session } = await newChat()
    const { code, stdout, stderr } = await runCli(['tail', session.uri.href], { env: { CHATBRIDGE_APP_KEY: 'wrong-key-wrong-key-0123' } })
    expect(code).toBe(1)
    expect(stderr).toMatch(/^chatbridge: cannot read chat \S+: GET \S+ answered 401 \(internalCode 101\)[^\n]*\n$/)
    expect(stdout + stderr).not.toContain('wrong-key-wrong-key-0123')
  })

  test('tail of an unknown conversation id fails with one line and exit code 1', async () => {
    const { code, stderr } = await runCli(['tail', 'no-such-chat', '--account-root', server.accountRoot], { env: { CHATBRIDGE_APP_KEY: server.appKey } })
    expect(code).toBe(1)
    expect(stderr).toMatch(/^chatbridge: [^\n]*no-such-chat[^\n]*\n$/)
  })
})

test('chat sends piped lines once an agent joins, closes at the end of input, and exits 0', async () => {
  const server = await startLegacyChatServer()
  onTestFinished(() => server.close())
  const next = server.nextChat()
  const run = runCli(['chat', '--skill', 'Sales', '--json', '--account-root', server.accountRoot], { env: { CHATBRIDGE_APP_KEY: server.appKey }, input: 'first line\nsecond line\n' })
  const chat = await next
  chat.accept({ name: 'Natalie', id: 7 })
  const { code, stdout } = await run
  expect(code).toBe(0)
  expect(chat.request['skill']).toBe('Sales')
  expect(chat.visitorLines().map((line) => line['text'])).toEqual(['first line', 'second line'])
  expect(chat.endReason).toBe('visitor')
  expect(contentOf(frames(stdout))).toEqual(expect.arrayContaining(['CONSUMER: first line', 'CONSUMER: second line']))
})

test('serve runs the testing server until SIGTERM, printing its account root and generated key', async () => {
  const serve = startCli(['serve', '--json', '--agent', 'none'])
  const { accountRoot, appKey } = JSON.parse(await serve.line(/^\{/)) as { accountRoot: string; appKey: string }
  const client = new LegacyChatClient({ accountRoot, appKey })
  try {
    expect(await client.availability()).toBe(true)
  } finally {
    await client.close()
  }
  serve.child.kill('SIGTERM')
  expect(await serve.exit()).toBe(0)
})

test('serve never echoes a key it was given', async () => {
  const serve = startCli(['serve', '--app-key', 'my-own-key-0123456789'])
  await serve.line(/Stop with Ctrl-C/)
  serve.child.kill('SIGTERM')
  expect(await serve.exit()).toBe(0)
  expect(serve.stdout()).not.toContain('my-own-key-0123456789')
})
