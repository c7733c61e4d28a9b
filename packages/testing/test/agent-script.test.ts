import { afterEach, describe, expect, it, vi } from 'vitest'
import type { LegacyChat, LegacyChatServer, LegacyChatServerOptions, ManualClock } from '../src/index.js'
import { autoAgent, createManualClock, startLegacyChatServer } from '../src/index.js'
import { at, list, visitor } from './helpers.js'

let server: LegacyChatServer | undefined
let clock: ManualClock
afterEach(async () => {
  vi.useRealTimers()
  await server?.close()
  server = undefined
})

async function start(options: LegacyChatServerOptions = {}): Promise<LegacyChatServer> {
  clock = createManualClock()
  server = await startLegacyChatServer({ clock, ...options })
  return server
}

const texts = (chat: LegacyChat) => chat.events.filter((e) => e['@type'] === 'line').map((e) => `${String(e['source'])}:${String(e['text'])}`)

describe('imperative agent', () => {
  it('accepts, types, says plain and HTML lines, pushes a URL, transfers and ends', async () => {
    const s = await start()
    const v = visitor(s)
    const uri = await v.startChat()
    const chat = await s.nextChat()
    expect(chat.uri).toBe(uri)
    expect(() => chat.say('too early')).toThrow(/waiting/)
    chat.accept({ name: 'Natalie', id: 25025413 })
    chat.typing(true)
    expect(at((await v.get(`${uri}/info/agentTyping`)).doc, 'agentTyping')).toBe('typing')
    chat.say('Hi')
    expect(chat.agentTyping).toBe('not-typing')
    chat.say('<div dir="ltr">How can I <b>help</b>?</div>', { html: true })
    chat.pushUrl('https://example.com/help')
    chat.transfer({ name: 'Bob', id: 42 })
    chat.say('Bob here')
    chat.end()
    const events = list(at((await v.get(uri)).doc, 'chat.events.event'))
    expect(events.map((e) => e['@type'])).toEqual(['state', 'line', 'state', 'line', 'line', 'line', 'url', 'line', 'line', 'line', 'state'])
    expect(events[4]).toMatchObject({ text: 'Hi', textType: 'plain', source: 'agent', by: 'Natalie' })
    expect(events[5]).toMatchObject({ textType: 'html', by: 'Natalie' })
    expect(events[6]).toMatchObject({ url: 'https://example.com/help', source: 'agent' })
    expect(events[7]).toMatchObject({ systemMessageId: 13, source: 'system' })
    expect(events[8]).toMatchObject({ text: 'Bob here', by: 'Bob' })
    expect(events[9]).toMatchObject({ systemMessageId: 5 })
    expect(events[10]).toMatchObject({ state: 'ended' })
    expect(chat.endReason).toBe('agent')
    expect(() => chat.say('after the end')).toThrow()
  })

  it('adds any system line and raw events of any type, in JSON and XML', async () => {
    const s = await start()
    const uri = await visitor(s).startChat()
    const chat = await s.nextChat()
    chat.systemLine(23, 'Your chat was requeued.')
    chat.addRawEvent('a2a-transfer', { chatRequestParameters: { a2aEventId: 467, skill: 'test' }, domain: 'base.liveperson.net', remoteSiteId: 70648893 })
    chat.addRawEvent('line', { '@id': 'not-a-number', text: 'broken' })
    for (const format of ['json', 'xml'] as const) {
      const events = list(at((await visitor(s, format).get(`${uri}/events?from=2`)).doc, 'events.event'))
      expect(events[0]).toMatchObject({ '@type': 'line', source: 'system', text: 'Your chat was requeued.' })
      expect(String(events[0]?.['systemMessageId'])).toBe('23')
      expect(events[1]).toMatchObject({ '@id': '3', '@type': 'a2a-transfer', domain: 'base.liveperson.net' })
      expect(String(at(events[1], 'chatRequestParameters.a2aEventId'))).toBe('467')
      expect(events[2]).toMatchObject({ '@id': 'not-a-number', text: 'broken' })
    }
  })

  it('nextChat hands out chats in order, waiting for the next request when none is pending', async () => {
    const s = await start()
    const v = visitor(s)
    const first = await v.startChat()
    const second = await v.startChat()
    expect((await s.nextChat()).uri).toBe(first)
    expect((await s.nextChat()).uri).toBe(second)
    const pending = s.nextChat()
    const third = await v.startChat()
    expect((await pending).uri).toBe(third)
  })

  it('waits for visitor lines, states and polls; waits reject when the chat is dropped or the server closes', async () => {
    const s = await start()
    const v = visitor(s)
    const uri = await v.startChat()
    const chat = await s.nextChat()
    chat.accept({ name: 'Natalie', id: 1 })
    const bye = chat.waitForVisitorLine(/bye/i)
    await v.post(`${uri}/events`, v.line('hello'))
    await v.post(`${uri}/events`, v.line('Bye now'))
    expect((await bye)['text']).toBe('Bye now')
    // A line that already arrived satisfies a later wait.
    expect((await chat.waitForVisitorLine('hello'))['@id']).toBe('4')
    const polls = chat.waitForPolls(2)
    await v.get(uri)
    await v.get(`${uri}/events`)
    await polls
    const ended = chat.waitForState('ended')
    await v.post(`${uri}/events`, v.ended())
    await ended
    const never = chat.waitForVisitorLine('never')
    chat.drop()
    await expect(never).rejects.toThrow(/dropped/)
    await v.startChat()
    const other = await s.nextChat()
    const closing = other.waitForState('ended')
    const nobody = s.nextChat()
    await s.close()
    await expect(closing).rejects.toThrow(/closed/)
    await expect(nobody).rejects.toThrow(/closed/)
  })
})

describe('agent timeline', () => {
  it('joins after 2 polls, types, says two lines, and ends when the visitor says bye', async () => {
    const s = await start()
    const v = visitor(s)
    const uri = await v.startChat()
    const chat = await s.nextChat()
    const run = chat.runScript([
      { after: { polls: 2 }, do: 'accept', agent: { name: 'Natalie', id: 7 } },
      { do: 'typing', on: true },
      { after: { ms: 2_000 }, do: 'say', text: 'Hi, I am Natalie.' },
      { do: 'say', text: '<b>How can I help?</b>', html: true },
      { after: { visitorSays: /^bye/i }, do: 'end' },
    ])
    await v.get(uri)
    expect(chat.state).toBe('waiting')
    await v.get(uri)
    // The second poll was answered before the agent joined; the third sees it.
    expect(chat.state).toBe('chatting')
    expect(chat.agentTyping).toBe('typing')
    clock.advance(1_999)
    expect(texts(chat)).not.toContain('agent:Hi, I am Natalie.')
    clock.advance(1)
    expect(texts(chat).filter((t) => t.startsWith('agent:'))).toEqual(['agent:Hi, I am Natalie.', 'agent:<b>How can I help?</b>'])
    await v.post(`${uri}/events`, v.line('thanks'))
    expect(chat.state).toBe('chatting')
    const response = await v.post(`${uri}/events`, v.line('bye!'))
    expect(response.status).toBe(201)
    expect(chat.state).toBe('ended')
    expect(chat.endReason).toBe('agent')
    expect(await run.done).toEqual({ completed: true })
  })

  it('stops when the chat ends before a step, or when cancelled', async () => {
    const s = await start()
    const v = visitor(s)
    const uri = await v.startChat()
    const chat = await s.nextChat()
    const run = chat.runScript([{ do: 'accept', agent: { name: 'A', id: 1 } }, { after: { visitorSays: 'never' }, do: 'end' }])
    await v.post(`${uri}/events`, v.ended())
    expect(await run.done).toMatchObject({ completed: false })
    await v.startChat()
    const second = await s.nextChat()
    const cancelled = second.runScript([{ after: { ms: 1000 }, do: 'accept', agent: { name: 'A', id: 1 } }])
    cancelled.cancel()
    clock.advance(2000)
    expect(second.state).toBe('waiting')
    expect(await cancelled.done).toEqual({ completed: false, reason: 'cancelled' })
  })

  it('runs a server-wide timeline on every new chat', async () => {
    const s = await start({ agent: [{ after: { ms: 500 }, do: 'accept', agent: { name: 'Natalie', id: 7 } }, { do: 'say', text: 'Welcome' }] })
    const v = visitor(s)
    await v.startChat()
    await v.startChat()
    clock.advance(500)
    for (const chat of s.chats()) expect(texts(chat).at(-1)).toBe('agent:Welcome')
  })

  it('runs on vitest fake timers with the system clock', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    server = await startLegacyChatServer()
    const v = visitor(server)
    await v.startChat()
    const chat = await server.nextChat()
    chat.runScript([{ after: { ms: 30_000 }, do: 'accept', agent: { name: 'Natalie', id: 7 } }])
    vi.advanceTimersByTime(30_000)
    expect(chat.state).toBe('chatting')
  })
})

describe('autoAgent', () => {
  it('accepts after a moment, echoes lines, ends on bye', async () => {
    const s = await start({ agent: autoAgent({ acceptAfterMs: 1000, replyAfterMs: 300 }) })
    const v = visitor(s)
    const uri = await v.startChat()
    const chat = await s.nextChat()
    clock.advance(1000)
    expect(chat.state).toBe('chatting')
    await v.post(`${uri}/events`, v.line('ping'))
    expect(chat.agentTyping).toBe('typing')
    clock.advance(300)
    expect(texts(chat).at(-1)).toBe('agent:You said: ping')
    await v.post(`${uri}/events`, v.line('bye'))
    clock.advance(300)
    expect(chat.state).toBe('ended')
  })
})

describe('manual clock', () => {
  it('fires timers in time order, including ones scheduled while advancing', () => {
    const c = createManualClock(0)
    const fired: string[] = []
    c.setTimer(() => fired.push('b'), 20)
    c.setTimer(() => {
      fired.push('a')
      c.setTimer(() => fired.push('a2'), 5)
    }, 10)
    const cancelled = c.setTimer(() => fired.push('x'), 12)
    cancelled.cancel()
    expect(c.pendingTimers()).toBe(2)
    c.advance(30)
    expect(fired).toEqual(['a', 'a2', 'b'])
    expect(c.now()).toBe(30)
    expect(c.pendingTimers()).toBe(0)
  })
})
