import { LegacyChatClient } from '@chatbridge/core'
import { type LegacyChatServer, startLegacyChatServer } from '@chatbridge/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { runCli } from './run-cli.js'

// The app key must appear in nothing the `chatbridge` command prints: `--json` frames, the
// readable transcript, error lines.

const KEY = 'sweep0a1b2c3d4e5f60718293a4b5c6d7'

const leaks = (texts: readonly string[]): string[] => texts.filter((t) => t.includes(KEY)).map((t) => t.slice(Math.max(0, t.indexOf(KEY) - 200), t.indexOf(KEY) + 50))

let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer({ appKey: KEY, dropEndedChatsAfterMs: null })
})
afterAll(async () => {
  await server.close()
})

describe('the app key appears nowhere', () => {
  test('the CLI prints no app key: --json frames, transcript and errors', async () => {
    const chat = await new LegacyChatClient({ accountRoot: server.accountRoot, appKey: KEY }).startChat({ skill: 'Sales' })
    const live = server.chat(chat.conversationId)
    live?.accept({ name: 'Natalie', id: 7 })
    live?.say('hello')
    live?.end()
    const env = { CHATBRIDGE_ACCOUNT_ROOT: server.accountRoot, CHATBRIDGE_APP_KEY: KEY }
    const runs = await Promise.all([
      runCli(['tail', chat.conversationId, '--json'], { env }),
      runCli(['tail', chat.conversationId], { env }),
      runCli(['tail', chat.conversationId, '--json', '--app-key', KEY, '--account-root', server.accountRoot]),
      runCli(['tail', 'missing-chat', '--json'], { env }),
      runCli(['tail', chat.conversationId, '--json'], { env: { ...env, CHATBRIDGE_APP_KEY: `${KEY}-wrong` } }),
    ])
    expect(runs[0]?.stdout).toMatch(/"kind":"notification"/)
    expect(runs.some((r) => r.code !== 0)).toBe(true)
    expect(leaks(runs.flatMap((r) => [r.stdout, r.stderr]))).toEqual([])

    // chat, as frames and as a transcript, with a refused line among them.
    const own = await startLegacyChatServer({ appKey: KEY, dropEndedChatsAfterMs: null })
    try {
      for (const args of [['chat', '--json'], ['chat']]) {
        const next = own.nextChat()
        const run = runCli([...args, '--account-root', own.accountRoot], { env: { CHATBRIDGE_APP_KEY: KEY }, input: 'first line\nsecond line\n' })
        const chat = await next
        own.faults.add({ route: 'events', method: 'POST', times: 1, when: (r) => r.chatId === chat.id, fault: { kind: 'status', status: 401, internalCode: 10, message: 'Bad captcha' } })
        chat.accept({ name: 'Natalie', id: 7 })
        const { stdout, stderr } = await run
        expect(stdout.length).toBeGreaterThan(0)
        expect(leaks([stdout, stderr])).toEqual([])
      }
    } finally {
      await own.close()
    }
  }, 60_000)
})
