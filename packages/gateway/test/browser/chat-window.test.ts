// The chat window in a real browser (Debian's chromium, driven by playwright-core; nothing is
// downloaded), served by the gateway itself: a whole conversation with a scripted agent, a reload in
// the middle that continues the same conversation with every line exactly once, the end, and a
// screenshot for people to look at.
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { autoAgent, startLegacyChatServer, type LegacyChat, type LegacyChatServer } from '@chatbridge/testing'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordFrames, recordSignups, startWindowGateway, type SeenFrame, type WindowGateway } from './support/window-gateway.js'

const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'
// Never skipped: without chromium the test fails and says what to install (scripts/system-deps.sh does).
const missing = existsSync(executablePath) ? undefined : `no chromium at ${executablePath}: apt-get install -y chromium (or set CHROMIUM_PATH)`

const artifacts = join(import.meta.dirname, 'artifacts')
const agent = { name: 'Natalie', id: 7 }
/** expect.poll waits 1 s by default; a loaded machine may need longer for a poll round trip. */
const eventually = { timeout: 15_000 }

describe('the chat window in chromium', () => {
  let legacy: LegacyChatServer
  let gateway: WindowGateway
  let browser: Browser
  let page: Page
  /** What the page's sockets sent, and the identities it signed up for, as the browser saw them. */
  let frames: readonly SeenFrame[]
  let signups: readonly string[]
  /** Uncaught errors and console errors of the window: there must be none. */
  const pageErrors: string[] = []

  beforeAll(async () => {
    if (missing !== undefined) throw new Error(`the browser test needs chromium; ${missing}`)
    // The agent joins after a moment and answers each line ("You said: …"), typing for a second first.
    legacy = await startLegacyChatServer({ agent: autoAgent({ agent, acceptAfterMs: 300, replyAfterMs: 1_000 }) })
    gateway = await startWindowGateway(target())
    browser = await chromium.launch({ executablePath })
    page = await browser.newPage({ viewport: { width: 520, height: 760 } })
    frames = recordFrames(page)
    signups = recordSignups(page)
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

  const target = () => ({
    accountRoot: legacy.accountRoot,
    appKey: legacy.appKey,
    pacing: { chattingIntervalMs: 150, waitingIntervalMs: 200, backoffBaseMs: 100 },
  })
  const status = (): ReturnType<Page['getByTestId']> => page.getByTestId('status')
  const rendered = async (): Promise<{ sequence: number; role: string; text: string }[]> =>
    page.getByTestId('line').evaluateAll((items) =>
      items.map((item) => ({ sequence: Number(item.getAttribute('data-sequence')), role: item.getAttribute('data-role') ?? '', text: item.querySelector('.line__text')?.textContent ?? '' })),
    )
  /** The legacy chat's lines, as the server logged them: the sequence of each is its event id. */
  const logged = (chat: LegacyChat): { sequence: number; text: string }[] =>
    chat.events.filter((event) => event['@type'] === 'line').map((event) => ({ sequence: Number(event['@id']), text: String(event['text']) }))
  /** The consumer JWT the window keeps (this test's tsconfig has no DOM types, hence the cast). */
  const storedJwt = (on: Page = page): Promise<string | null> =>
    on.evaluate(
      (key) => (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem(key),
      `chatbridge:${gateway.accountId}:jwt`,
    )
  const send = async (text: string): Promise<void> => {
    await page.getByTestId('input').pressSequentially(text)
    await page.getByTestId('send').click()
  }
  const agentLine = (text: string): ReturnType<Page['locator']> => page.locator(`[data-testid="line"][data-role="ASSIGNED_AGENT"]`, { hasText: text })

  it('holds a whole conversation, continues it across a reload with every line once, and ends it', { timeout: 60_000 }, async () => {
    // No ?account=: the gateway fills the page's account meta tag.
    await page.goto(`${gateway.url}/`)
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
    expect(signups).toHaveLength(1)
    expect(legacy.chats()).toHaveLength(1)
    const resumed = frames.filter((frame) => frame.connection === 2).map((frame) => frame.type)
    expect(resumed.slice(0, 3)).toEqual(['InitConnection', 'cqm.SubscribeExConversations', 'ms.SubscribeMessagingEvents'])
    const subscribe = frames.find((frame) => frame.connection === 2 && frame.type === 'ms.SubscribeMessagingEvents')
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
    const first = frames.filter((frame) => frame.connection === 1).map((frame) => frame.type)
    expect(first.slice(0, 2)).toEqual(['InitConnection', 'cqm.SubscribeExConversations'])
    expect(pageErrors).toEqual([])
    expect(frames[0]?.headers).toContainEqual({ type: '.ams.headers.ConsumerAuthentication', jwt: expect.any(String) })
  })

  it('sends GetClock every 30 s as keep-alive', { timeout: 30_000 }, async () => {
    // A fresh consumer in its own context, on the page's fake clock (only timers in the page move).
    const context = await browser.newContext()
    try {
      const idle = await context.newPage()
      const idleFrames = recordFrames(idle)
      await idle.clock.install()
      await idle.goto(`${gateway.url}/?account=${gateway.accountId}`)
      await idle.getByTestId('start').waitFor()
      const clocks = (): number => idleFrames.filter((frame) => frame.connection === 1 && frame.type === 'GetClock').length
      expect(clocks()).toBe(0)
      await idle.clock.runFor(30_000)
      await expect.poll(clocks, eventually).toBe(1)
      await idle.clock.runFor(30_000)
      await expect.poll(clocks, eventually).toBe(2)
    } finally {
      await context.close()
    }
  })

  it('when its identity expires (close 4407) it signs up again and reconnects', { timeout: 30_000 }, async () => {
    // Its own gateway, whose unauthenticated identities live 3 s.
    const shortLived = await startWindowGateway(target(), { identityTtlMs: 3_000 })
    const context = await browser.newContext()
    try {
      const renewing = await context.newPage()
      const renewingFrames = recordFrames(renewing)
      const renewingSignups = recordSignups(renewing)
      const closes: number[] = []
      renewing.on('websocket', (ws) => ws.on('close', () => closes.push(Date.now())))
      await renewing.goto(`${shortLived.url}/`)
      await renewing.getByTestId('start').waitFor()
      await expect.poll(() => renewingSignups.length, eventually).toBe(1)
      const first = renewingSignups[0]
      await expect.poll(() => renewingSignups.length, eventually).toBe(2)
      await expect.poll(() => closes.length, eventually).toBeGreaterThanOrEqual(1)
      // Connected again with the new identity, and it is the one kept.
      await expect.poll(() => renewingFrames.filter((frame) => frame.connection === 2).map((frame) => frame.type).slice(0, 2), eventually).toEqual([
        'InitConnection',
        'cqm.SubscribeExConversations',
      ])
      const renewed = renewingSignups[1]
      expect(renewed).not.toBe(first)
      const init = renewingFrames.find((frame) => frame.connection === 2)
      expect(init?.headers).toContainEqual({ type: '.ams.headers.ConsumerAuthentication', jwt: renewed })
      expect(await storedJwt(renewing)).toBe(renewed)
      await renewing.getByTestId('start').waitFor()
    } finally {
      await context.close()
      await shortLived.close()
    }
  })
})
