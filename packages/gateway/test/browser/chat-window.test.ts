// The chat window in a real browser (Debian's chromium, driven by playwright-core; nothing is
// downloaded): a whole conversation with a scripted agent, a reload in the middle that continues the
// same conversation with every line exactly once, the end, and a screenshot for people to look at.
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { autoAgent, startLegacyChatServer, type LegacyChat, type LegacyChatServer } from '@chatbridge/testing'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGateway, type TestGateway } from './support/test-gateway.js'

const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'
const missing = existsSync(executablePath) ? undefined : `no chromium at ${executablePath}: apt-get install -y chromium (or set CHROMIUM_PATH)`
if (missing !== undefined && process.env['CI'] === 'true') throw new Error(`the browser test must run in CI; ${missing}`)

const staticDir = join(import.meta.dirname, '..', '..', 'static')
const artifacts = join(import.meta.dirname, 'artifacts')
const agent = { name: 'Natalie', id: 7 }
/** expect.poll waits 1 s by default; a loaded machine may need longer for a poll round trip. */
const eventually = { timeout: 15_000 }

describe.skipIf(missing !== undefined)(`the chat window in chromium${missing === undefined ? '' : ` (skipped: ${missing})`}`, () => {
  let legacy: LegacyChatServer
  let gateway: TestGateway
  let browser: Browser
  let page: Page
  /** Uncaught errors and console errors of the window: there must be none. */
  const pageErrors: string[] = []

  beforeAll(async () => {
    // The agent joins after a moment and answers each line ("You said: …"), typing for a second first.
    legacy = await startLegacyChatServer({ agent: autoAgent({ agent, acceptAfterMs: 300, replyAfterMs: 1_000 }) })
    gateway = await startTestGateway({
      staticDir,
      port: 0,
      accountRoot: legacy.accountRoot,
      appKey: legacy.appKey,
      pacing: { chattingIntervalMs: 150, waitingIntervalMs: 200, backoffBaseMs: 100 },
    })
    browser = await chromium.launch({ executablePath })
    page = await browser.newPage({ viewport: { width: 520, height: 760 } })
    page.on('pageerror', (error) => pageErrors.push(error.message))
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text())
    })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await gateway?.close()
    await legacy?.close()
  }, 30_000)

  const status = (): ReturnType<Page['getByTestId']> => page.getByTestId('status')
  const rendered = async (): Promise<{ sequence: number; role: string; text: string }[]> =>
    page.getByTestId('line').evaluateAll((items) =>
      items.map((item) => ({ sequence: Number(item.getAttribute('data-sequence')), role: item.getAttribute('data-role') ?? '', text: item.querySelector('.line__text')?.textContent ?? '' })),
    )
  /** The legacy chat's lines, as the server logged them: the sequence of each is its event id. */
  const logged = (chat: LegacyChat): { sequence: number; text: string }[] =>
    chat.events.filter((event) => event['@type'] === 'line').map((event) => ({ sequence: Number(event['@id']), text: String(event['text']) }))
  /** The consumer JWT the window keeps (this test's tsconfig has no DOM types, hence the cast). */
  const storedJwt = (): Promise<string | null> =>
    page.evaluate(
      (key) => (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem(key),
      `chatbridge:${gateway.accountId}:jwt`,
    )
  const send = async (text: string): Promise<void> => {
    await page.getByTestId('input').pressSequentially(text)
    await page.getByTestId('send').click()
  }
  const agentLine = (text: string): ReturnType<Page['locator']> => page.locator(`[data-testid="line"][data-role="ASSIGNED_AGENT"]`, { hasText: text })

  it('holds a whole conversation, continues it across a reload with every line once, and ends it', { timeout: 60_000 }, async () => {
    await page.goto(`${gateway.url}/?account=${gateway.accountId}`)
    await page.getByTestId('start').click()
    const chat = await legacy.nextChat()
    await expect.poll(() => page.getByTestId('status').getAttribute('data-state'), eventually).toBe('chatting')

    // Typing goes out while the person types, and stops when the line is sent.
    await page.getByTestId('input').pressSequentially('Hi! Is anyone ')
    await expect.poll(() => chat.visitorTyping, eventually).toBe('typing')
    await page.getByTestId('input').pressSequentially('there?')
    await page.getByTestId('send').click()
    await expect.poll(() => chat.visitorTyping, eventually).toBe('not-typing')
    await page.waitForSelector('[data-testid="typing"]:not([hidden])')
    await agentLine('You said: Hi! Is anyone there?').waitFor()
    await expect(page.getByTestId('typing').isHidden()).resolves.toBe(true)

    // A reload while the agent is answering: the answer arrives while no window is connected.
    await send('Can chatbridge keep our Messaging code running?')
    const question = page.locator('[data-testid="line"][data-role="CONSUMER"]', { hasText: 'Can chatbridge' })
    await question.waitFor()
    const questionSequence = Number(await question.getAttribute('data-sequence'))
    await page.reload()
    await agentLine('You said: Can chatbridge').waitFor()
    await expect.poll(() => page.getByTestId('status').getAttribute('data-state'), eventually).toBe('chatting')

    // The same consumer and conversation: one signup, one legacy chat, resumed after the last line seen.
    expect(gateway.signups).toHaveLength(1)
    expect(legacy.chats()).toHaveLength(1)
    const resumed = gateway.frames.filter((frame) => frame.connection === 2).map((frame) => frame.type)
    expect(resumed.slice(0, 3)).toEqual(['InitConnection', 'cqm.SubscribeExConversations', 'ms.SubscribeMessagingEvents'])
    const subscribe = gateway.frames.find((frame) => frame.connection === 2 && frame.type === 'ms.SubscribeMessagingEvents')
    expect(subscribe?.body).toEqual({ conversationId: chat.id, dialogId: chat.id, fromSeq: expect.any(Number) })
    // From after the last sequence it saw (at least the question), not from the start.
    expect((subscribe?.body as { fromSeq: number }).fromSeq).toBeGreaterThan(questionSequence)

    await send('Great, thanks!')
    await agentLine('You said: Great, thanks!').waitFor()

    // Every line of the legacy log exactly once, in order, each by its sequence.
    const lines = await rendered()
    expect(lines.map((line) => line.sequence)).toEqual(logged(chat).map((line) => line.sequence))
    expect(new Set(lines.map((line) => line.sequence)).size).toBe(lines.length)
    expect(lines.filter((line) => line.role === 'CONSUMER').map((line) => line.text)).toEqual([
      'Hi! Is anyone there?',
      'Can chatbridge keep our Messaging code running?',
      'Great, thanks!',
    ])
    expect(await page.getByTestId('pending-line').count()).toBe(0)

    await page.getByTestId('end').click()
    await expect.poll(() => page.getByTestId('status').getAttribute('data-state'), eventually).toBe('closed')
    await expect(status().textContent()).resolves.toContain('you ended it')
    expect(chat.state).toBe('ended')
    expect(chat.endReason).toBe('visitor')
    await mkdir(artifacts, { recursive: true })
    await page.screenshot({ path: join(artifacts, 'chat-window.png'), fullPage: true })

    // The first connection's frames, in order: what any Messaging consumer sends.
    const first = gateway.frames.filter((frame) => frame.connection === 1).map((frame) => frame.type)
    expect(first.slice(0, 2)).toEqual(['InitConnection', 'cqm.SubscribeExConversations'])
    expect(pageErrors).toEqual([])
    expect(gateway.frames[0]?.headers).toContainEqual({ type: '.ams.headers.ConsumerAuthentication', jwt: expect.any(String) })
  })

  it('sends GetClock every 30 s as keep-alive', { timeout: 30_000 }, async () => {
    // A fresh consumer in its own context, on the page's fake clock (only timers in the page move).
    const context = await browser.newContext()
    try {
      const idle = await context.newPage()
      await idle.clock.install()
      await idle.goto(`${gateway.url}/?account=${gateway.accountId}`)
      await idle.getByTestId('start').waitFor()
      const connection = Math.max(...gateway.frames.map((frame) => frame.connection))
      const clocks = (): number => gateway.frames.filter((frame) => frame.connection === connection && frame.type === 'GetClock').length
      expect(clocks()).toBe(0)
      await idle.clock.runFor(30_000)
      await expect.poll(clocks, eventually).toBe(1)
      await idle.clock.runFor(30_000)
      await expect.poll(clocks, eventually).toBe(2)
    } finally {
      await context.close()
    }
  })

  it('on close code 4401 drops its identity, signs up again and reconnects', { timeout: 30_000 }, async () => {
    const jwt = await storedJwt()
    const before = Math.max(...gateway.frames.map((frame) => frame.connection))
    gateway.closeSockets(4401, 'token expired')
    await expect.poll(() => gateway.signups.length, eventually).toBe(2)
    // Connected again with the new identity: the ended chat stays on screen, a new one can start.
    await expect.poll(() => gateway.frames.filter((frame) => frame.connection > before).map((frame) => frame.type), eventually).toEqual(['InitConnection', 'cqm.SubscribeExConversations'])
    await expect.poll(() => page.getByTestId('status').getAttribute('data-state'), eventually).toBe('closed')
    await page.getByTestId('start').waitFor()
    const renewed = await storedJwt()
    expect(renewed).not.toBeNull()
    expect(renewed).not.toBe(jwt)
    const init = gateway.frames.find((frame) => frame.connection > before)
    expect(init?.headers).toContainEqual({ type: '.ams.headers.ConsumerAuthentication', jwt: renewed })
  })
})
