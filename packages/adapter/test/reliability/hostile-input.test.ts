import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Socket } from 'node:net'
import { LegacyChatClient, type LegacyChatClientOptions } from '@chatbridge/core'
import { startLegacyChatServer, toXml } from '@chatbridge/testing'
import { afterEach, describe, expect, test } from 'vitest'
import { Connection } from '../../src/connection.js'
import type { ConversationLease } from '../../src/conversation-store.js'
import { MemoryConversationStore } from '../../src/memory-conversation-store.js'
import type { PollCursor } from '../../src/poll-cursor.js'
import type { ConnectionState } from '../../src/connection-state.js'
import type { MessagingEventChange } from '../../src/messaging-types.js'
import { fastConfig } from '../support/fast-config.js'
import { Recorder } from '../support/recorder.js'
import { sequenced, within } from './support.js'

/*
 * Hostile answers seen through the whole engine (core's decoding is proven in core's own tests):
 * each has a typed outcome, the stream either continues or ends with that error, nothing crashes,
 * and the app key never leaves the account's origin.
 */

const APP_KEY = 'hostile-test-app-key-0123456789abcdef'
const ACCOUNT = '/api/account/1'
const CHAT = `${ACCOUNT}/chat/c1`

interface Seen {
  readonly method: string
  readonly url: string
  readonly authorization: string | undefined
}

interface Hostile {
  readonly origin: string
  readonly seen: Seen[]
  close(): Promise<void>
}

/** A loopback server answering the chat request, then every GET of the chat with `page(from, n)`. */
async function serve(page: (from: number, poll: number, origin: string) => { status?: number; body: string | Buffer; type?: string | null }): Promise<Hostile> {
  const seen: Seen[] = []
  const sockets = new Set<Socket>()
  let polls = 0
  let origin = ''
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume()
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization })
      const url = new URL(req.url ?? '/', origin)
      if (req.method === 'POST' && url.pathname.startsWith(`${ACCOUNT}/chat/request`)) {
        res.writeHead(201, { location: `${origin}${CHAT}` }).end()
        return
      }
      if (req.method === 'GET' && url.pathname === CHAT) {
        const answer = page(Number(url.searchParams.get('from') ?? 0), polls++, origin)
        res.writeHead(answer.status ?? 200, answer.type === null ? {} : { 'content-type': answer.type ?? 'application/json' }).end(answer.body)
        return
      }
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found","internalCode":28}}')
    })
  })
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const hostile = {
    origin,
    seen,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  opened.push(hostile)
  return hostile
}

const opened: Hostile[] = []
const connections: Connection[] = []
afterEach(async () => {
  for (const connection of connections.splice(0)) await connection.close()
  for (const server of opened.splice(0)) await server.close()
})

type WireEvent = Record<string, unknown>
const line = (id: number | string, text: string, extra: WireEvent = {}): WireEvent => ({
  '@id': String(id),
  '@type': 'line',
  time: '2017-02-27T06:24:15.424-05:00',
  textType: 'plain',
  text,
  by: 'Natalie',
  source: 'agent',
  ...extra,
})
const state = (id: number, s: string): WireEvent => ({ '@id': String(id), '@type': 'state', time: '2017-02-27T06:24:15.424-05:00', state: s })

/** A chat document; `next` defaults to the honest `{chat}?from=<after the last event>`. */
function chatDoc(origin: string, events: readonly WireEvent[], options: { next?: string; state?: string } = {}): string {
  const last = events.reduce((max, e) => Math.max(max, Number(e['@id'])), -1)
  const next = options.next ?? `${origin}${CHAT}?from=${last + 1}`
  return JSON.stringify({
    chat: {
      link: [
        { '@href': `${origin}${CHAT}`, '@rel': 'self' },
        { '@href': `${origin}${CHAT}/events`, '@rel': 'events' },
        { '@href': next, '@rel': 'next' },
      ],
      events: { link: [{ '@href': `${origin}${CHAT}/events`, '@rel': 'self' }], event: events },
      info: { state: options.state ?? 'chatting', agentName: 'Natalie', agentId: '7', chatTimeout: 40, agentTyping: 'not-typing', visitorId: 'v1' },
    },
  })
}

function connect(origin: string, options: Partial<LegacyChatClientOptions> = {}): Connection {
  const client = new LegacyChatClient({ accountRoot: `${origin}${ACCOUNT}`, appKey: APP_KEY, requestTimeoutMs: 2000, ...options })
  const connection = new Connection(client, fastConfig, { ownsClient: true })
  connections.push(connection)
  return connection
}

/** Only the page served for events at or after `from` (as the service does). */
const from = (events: readonly WireEvent[], f: number): WireEvent[] => events.filter((e) => Number(e['@id']) >= f)

describe('ids', () => {
  test('repeated and backwards ids across pages are delivered once, in order', async () => {
    const pages: WireEvent[][] = [
      [state(0, 'chatting'), line(1, 'one'), line(1, 'one again'), line(2, 'two')],
      // Backwards and repeated: 0–2 again, then 3, with 3 twice.
      [line(0, 'zero?'), line(2, 'two again'), line(3, 'three'), line(3, 'three again')],
      [line(1, 'one, third time'), line(4, 'four'), state(5, 'ended')],
    ]
    const server = await serve((_, poll, origin) => ({ body: chatDoc(origin, pages[Math.min(poll, pages.length - 1)] ?? [], { next: `${origin}${CHAT}?from=0` }) }))
    const connection = connect(server.origin)
    const { conversationId } = await connection.requestConversation()
    const events = new Recorder<MessagingEventChange>(connection.messagingEvents$(conversationId))
    await within(events.done(), 5000, 'the stream completing')
    const got = sequenced(events.values).map((c) => [c.sequence, c.event.type === 'ContentEvent' ? c.event.message : ''])
    expect(got).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
      [4, 'four'],
    ])
  })

  test.each([
    ['negative', -3],
    ['non-numeric', 'abc'],
    ['fractional', '1.5'],
  ])('a %s id is a typed decode error, retried; the stream continues when the page is fixed', async (_, bad) => {
    const server = await serve((f, poll, origin) => ({
      body: chatDoc(origin, poll < 2 ? [state(0, 'chatting'), line(bad, 'bad')] : from([state(0, 'chatting'), line(1, 'good'), state(2, 'ended')], f)),
    }))
    const connection = connect(server.origin)
    const { conversationId } = await connection.requestConversation()
    const errors = new Recorder<unknown>(connection.errors$)
    const events = new Recorder<MessagingEventChange>(connection.messagingEvents$(conversationId))
    await within(events.done(), 5000, 'the stream completing')
    expect(errors.values.length).toBeGreaterThanOrEqual(1)
    expect(errors.values[0]).toMatchObject({ code: 'E_DECODE' })
    expect(String((errors.values[0] as Error).message)).toMatch(/@id/)
    expect(sequenced(events.values).map((c) => c.sequence)).toEqual([1])
  })
})

describe('links', () => {
  test.each([
    ['the from-read of the chat asks for anyway is not kept in the cursor, and is still what every poll asks for', '', undefined],
    ['with more than `from` in it is kept and followed as sent', '&t=x', '&t=x'],
  ])('a next link %s', async (_, extra, kept) => {
    const all = [state(0, 'chatting'), line(1, 'one'), line(2, 'two'), state(3, 'ended')]
    const server = await serve((f, poll, origin) => ({ body: chatDoc(origin, poll === 0 ? all.slice(0, 2) : from(all, f), { next: `${origin}${CHAT}?from=${poll === 0 ? 2 : 4}${extra}` }) }))
    const saved: PollCursor[] = []
    const store = new (class extends MemoryConversationStore {
      override saveCursor(lease: ConversationLease, cursor: PollCursor): Promise<void> {
        saved.push(cursor)
        return super.saveCursor(lease, cursor)
      }
    })()
    const connection = new Connection(new LegacyChatClient({ accountRoot: `${server.origin}${ACCOUNT}`, appKey: APP_KEY, requestTimeoutMs: 2000 }), { ...fastConfig, store }, { ownsClient: true })
    connections.push(connection)
    const { conversationId } = await connection.requestConversation()
    const events = new Recorder<MessagingEventChange>(connection.messagingEvents$(conversationId))
    await within(events.done(), 5000, 'the stream completing')
    expect(sequenced(events.values).map((c) => c.sequence)).toEqual([1, 2])
    expect(saved.find((cursor) => cursor.from === 2)).toEqual({ from: 2, next: kept === undefined ? undefined : `${server.origin}${CHAT}?from=2${kept}` })
    const polls = server.seen.filter((r) => r.method === 'GET' && r.url.startsWith(CHAT))
    // The transport adds the API version to every request, whichever way it was made.
    expect(polls.map((r) => r.url).slice(0, 2)).toEqual([`${CHAT}?from=0&v=1&NC=true`, `${CHAT}?from=2${extra}&v=1&NC=true`])
  })

  test('a next link that skips ahead is not followed: no event is lost', async () => {
    const all = [state(0, 'chatting'), line(1, 'one'), line(2, 'two'), line(3, 'three'), state(4, 'ended')]
    // The first page holds 0–1 and a `next` claiming the log continues at 3.
    const server = await serve((f, poll, origin) =>
      poll === 0 ? { body: chatDoc(origin, all.slice(0, 2), { next: `${origin}${CHAT}?from=3` }) } : { body: chatDoc(origin, from(all, f)) },
    )
    const connection = connect(server.origin)
    const { conversationId } = await connection.requestConversation()
    const events = new Recorder<MessagingEventChange>(connection.messagingEvents$(conversationId))
    await within(events.done(), 5000, 'the stream completing')
    expect(sequenced(events.values).map((c) => c.sequence)).toEqual([1, 2, 3])
  })

  test('a next link to another chat of the account is not followed: its events are never delivered as this one\'s', async () => {
    const mine = [state(0, 'chatting'), line(1, 'mine'), line(2, 'mine too'), state(3, 'ended')]
    const server = await serve((f, poll, origin) =>
      poll === 0 ? { body: chatDoc(origin, mine.slice(0, 2), { next: `${origin}${ACCOUNT}/chat/OTHER?from=2` }) } : { body: chatDoc(origin, from(mine, f)) },
    )
    const connection = connect(server.origin)
    const { conversationId } = await connection.requestConversation()
    const events = new Recorder<MessagingEventChange>(connection.messagingEvents$(conversationId))
    await within(events.done(), 5000, 'the stream completing')
    expect(sequenced(events.values).map((c) => (c.event.type === 'ContentEvent' ? c.event.message : ''))).toEqual(['mine', 'mine too'])
    expect(server.seen.some((r) => r.url.includes('/chat/OTHER'))).toBe(false)
  })

  test.each([
    ['another origin', (foreign: string) => `${foreign}${CHAT}?from=2`],
    ['javascript:', () => 'javascript:alert(document.cookie)'],
    ['file:', () => 'file:///etc/passwd'],
    ['a relative link climbing out of the account', () => `../../../../api/account/2/chat/c1?from=2`],
  ])('a next link to %s never carries the app key away, and the stream continues or ends with a typed error', async (_, href) => {
    const foreign = await serve((f, __, origin) => ({ body: chatDoc(origin, []) }))
    const all = [state(0, 'chatting'), line(1, 'one'), line(2, 'two'), state(3, 'ended')]
    const server = await serve((f, poll, origin) => (poll === 0 ? { body: chatDoc(origin, all.slice(0, 2), { next: href(foreign.origin) }) } : { body: chatDoc(origin, from(all, f)) }))
    const connection = connect(server.origin)
    const { conversationId } = await connection.requestConversation()
    const states = new Recorder<ConnectionState>(connection.state$)
    const events = new Recorder<MessagingEventChange>(connection.messagingEvents$(conversationId))
    const outcome = await within(
      events.done().then(
        () => 'completed',
        (error: unknown) => error,
      ),
      5000,
      'the stream ending',
    )
    if (outcome !== 'completed') expect(outcome).toMatchObject({ code: 'E_POLL_FAILED', cause: { code: 'E_FOREIGN_ORIGIN' } })
    else expect(sequenced(events.values).map((c) => c.sequence)).toEqual([1, 2])
    expect(foreign.seen).toEqual([])
    // Everything stays inside the account: its resource (the entry point) or below it.
    const inAccount = (url: string): boolean => url.startsWith(`${ACCOUNT}/`) || url.startsWith(`${ACCOUNT}?`)
    expect(server.seen.every((r) => inAccount(r.url))).toBe(true)
    expect(server.seen.filter((r) => !inAccount(r.url)).map((r) => r.authorization)).toEqual([])
    expect(states.values.at(-1)?.status).toBe('closed')
  })
})

describe('agent HTML', () => {
  test.each(['json', 'xml'] as const)('script, event handlers and javascript: links arrive as inert text, the HTML kept in metadata (%s)', async (format) => {
    const server = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
    try {
      const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey, format })
      const connection = new Connection(client, fastConfig, { ownsClient: true })
      connections.push(connection)
      const { conversationId } = await connection.requestConversation()
      const chat = await server.nextChat()
      chat.accept({ name: 'Natalie', id: 7 })
      const html = [
        '<div onclick="steal()">hi <script>alert(document.cookie)</script>',
        '<img src=x onerror="alert(1)"><a href="javascript:alert(2)">click</a>',
        '<a href="https://example.com/help" onmouseover="alert(3)">help</a>',
        '<iframe src="javascript:alert(4)"></iframe><style>body{display:none}</style>',
        '<svg onload="alert(5)"><script>alert(6)</script></svg>&lt;script&gt;literal&lt;/script&gt;</div>',
      ].join('')
      chat.say(html, { html: true })
      chat.end()
      const events = new Recorder<MessagingEventChange>(connection.messagingEvents$(conversationId))
      await within(events.done(), 5000, 'the stream completing')
      const change = sequenced(events.values).find((c) => c.originatorMetadata.role === 'ASSIGNED_AGENT')
      if (change?.event.type !== 'ContentEvent') throw new Error('no agent line')
      const message = change.event.message
      expect(message).toContain('hi')
      expect(message).toContain('click')
      expect(message).toContain('help [https://example.com/help]')
      for (const bad of ['alert(', 'javascript:', 'onclick', 'onerror', 'onload', 'onmouseover', '<img', '<iframe', 'display:none', 'steal']) {
        expect(message).not.toContain(bad)
      }
      // An escaped tag the agent typed stays a literal, as text (not markup).
      expect(message).toContain('<script>literal</script>')
      expect(change.metadata).toContainEqual({ type: 'LegacyHtml', html })
    } finally {
      await server.close()
    }
  })
})

describe('bodies', () => {
  test.each([
    ['over the size limit', { kind: 'oversize', bytes: 2_000_000 } as const, 'E_BODY_TOO_LARGE'],
    ['truncated', { kind: 'truncate' } as const, 'E_NETWORK'],
    ['of a wrong content type', { kind: 'content-type', value: 'text/html' } as const, undefined],
    ['without a content type', { kind: 'content-type', value: '' } as const, undefined],
  ])('a page %s is a typed error (or read safely), retried; nothing lost', async (_, fault, code) => {
    const server = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
    try {
      const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey })
      const connection = new Connection(client, fastConfig, { ownsClient: true })
      connections.push(connection)
      const { conversationId } = await connection.requestConversation()
      const chat = await server.nextChat()
      chat.accept({ name: 'Natalie', id: 7 })
      server.faults.add({ route: 'chat', times: 2, when: (r) => r.chatId === conversationId, fault })
      const errors = new Recorder<unknown>(connection.errors$)
      const events = new Recorder<MessagingEventChange>(connection.messagingEvents$(conversationId))
      chat.say('one')
      await within(events.next((c) => c.event.type === 'ContentEvent' && c.event.message === 'one'), 5000, 'the line')
      chat.end()
      await within(events.done(), 5000, 'the stream completing')
      if (code !== undefined) expect(errors.values.map((e) => (e as { code?: string }).code)).toContain(code)
      for (const error of errors.values) expect(error).toHaveProperty('code')
      expect(sequenced(events.values).map((c) => c.sequence)).toEqual(chat.events.filter((e) => e['@type'] !== 'state').map((e) => Number(e['@id'])))
    } finally {
      await server.close()
    }
  })

  test('100,000 events in one page are delivered once each, in order, in bounded time', async () => {
    const count = 100_000
    const big = [state(0, 'chatting'), ...Array.from({ length: count }, (_, i) => line(i + 1, `line ${i + 1}`)), state(count + 1, 'ended')]
    const body = chatDoc('ORIGIN', big)
    const server = await serve((__, ___, origin) => ({ body: body.replaceAll('ORIGIN', origin) }))
    const connection = connect(server.origin, { maxBodyBytes: 64 * 1024 * 1024, requestTimeoutMs: 20_000 })
    const { conversationId } = await connection.requestConversation()
    const events = new Recorder<MessagingEventChange>(connection.messagingEvents$(conversationId))
    await within(events.done(), 30_000, 'the stream completing')
    const seqs = sequenced(events.values).map((c) => c.sequence)
    expect(seqs).toHaveLength(count)
    expect(seqs.every((s, i) => s === i + 1)).toBe(true)
  }, 60_000)

  test('the same page over the default 1 MiB limit is a typed E_BODY_TOO_LARGE, retried, never a crash', async () => {
    const big = [state(0, 'chatting'), ...Array.from({ length: 20_000 }, (_, i) => line(i + 1, `line ${i + 1}`))]
    const server = await serve((__, ___, origin) => ({ body: chatDoc(origin, big) }))
    const connection = connect(server.origin)
    const { conversationId } = await connection.requestConversation()
    const errors = new Recorder<unknown>(connection.errors$)
    const events = new Recorder<MessagingEventChange>(connection.messagingEvents$(conversationId))
    await within(errors.next(() => errors.values.length >= 2), 5000, 'two refusals')
    expect(errors.values[0]).toMatchObject({ code: 'E_BODY_TOO_LARGE' })
    expect(events.values).toEqual([])
    expect(events.error).toBeUndefined()
  })
})

describe('hostile documents: a typed error, then the stream continues', () => {
  const entities = ['<!ENTITY l0 "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`)].join('')
  const cases: readonly [string, 'json' | 'xml', string | Buffer, string | null, string][] = [
    ['XML with a DOCTYPE and an external entity', 'xml', '<?xml version="1.0"?><!DOCTYPE chat [<!ENTITY x SYSTEM "file:///etc/passwd">]><chat><info><state>&x;</state></info></chat>', 'application/xml', 'E_DECODE'],
    ['XML billion laughs', 'xml', `<?xml version="1.0"?><!DOCTYPE chat [${entities}]><chat><info><state>&l9;</state></info></chat>`, 'application/xml', 'E_DECODE'],
    ['XML nested 200 deep', 'xml', `<chat><info>${'<a>'.repeat(200)}x${'</a>'.repeat(200)}</info></chat>`, 'application/xml', 'E_DECODE'],
    ['XML with __proto__ element names', 'xml', '<chat><info><state>chatting</state><__proto__><polluted>yes</polluted></__proto__></info></chat>', 'application/xml', 'E_DECODE'],
    ['JSON with invalid UTF-8', 'json', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), 'application/json', 'E_DECODE'],
    ['JSON cut short', 'json', '{"chat":{"events":{"event":[{"@id":"0",', 'application/json', 'E_DECODE'],
    ['HTML where JSON belongs', 'json', '<html><body>502 Bad Gateway</body></html>', 'text/html', 'E_DECODE'],
  ]

  test.each(cases)('%s', async (_, format, hostile, type, code) => {
    const honest = [state(0, 'chatting'), line(1, 'after the storm'), state(2, 'ended')]
    const render = (origin: string, f: number): string => {
      const doc = chatDoc(origin, from(honest, f))
      return format === 'json' ? doc : toXml(JSON.parse(doc) as Record<string, unknown>)
    }
    const server = await serve((f, poll, origin) =>
      poll < 2 ? { body: hostile, type } : { body: render(origin, f), type: format === 'json' ? 'application/json' : 'application/xml' },
    )
    const connection = connect(server.origin, { format })
    const { conversationId } = await connection.requestConversation()
    const errors = new Recorder<unknown>(connection.errors$)
    const events = new Recorder<MessagingEventChange>(connection.messagingEvents$(conversationId))
    await within(events.done(), 5000, 'the stream completing')
    expect(errors.values.slice(0, 2).map((e) => (e as { code?: string }).code)).toEqual([code, code])
    expect(sequenced(events.values).map((c) => (c.event.type === 'ContentEvent' ? c.event.message : ''))).toEqual(['after the storm'])
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })

  test('JSON with __proto__ and constructor keys is read as data: nothing polluted, the events delivered', async () => {
    const server = await serve((f, __, origin) => {
      const doc = JSON.parse(chatDoc(origin, from([state(0, 'chatting'), line(1, 'safe'), state(2, 'ended')], f))) as { chat: Record<string, unknown> }
      const text = JSON.stringify(doc).replace('{"chat":{', '{"chat":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},')
      return { body: text.replace('"text":"safe"', '"text":"safe","__proto__":{"isAdmin":true}') }
    })
    const connection = connect(server.origin)
    const { conversationId } = await connection.requestConversation()
    const events = new Recorder<MessagingEventChange>(connection.messagingEvents$(conversationId))
    await within(events.done(), 5000, 'the stream completing')
    const [change] = sequenced(events.values)
    expect(change?.event).toEqual({ type: 'ContentEvent', contentType: 'text/plain', message: 'safe' })
    expect((change as unknown as Record<string, unknown>)['isAdmin']).toBeUndefined()
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined()
  })

  test('a page with no content type is read in the requested format', async () => {
    const server = await serve((f, __, origin) => ({ body: chatDoc(origin, from([state(0, 'chatting'), line(1, 'typeless'), state(2, 'ended')], f)), type: null }))
    const connection = connect(server.origin)
    const { conversationId } = await connection.requestConversation()
    const events = new Recorder<MessagingEventChange>(connection.messagingEvents$(conversationId))
    await within(events.done(), 5000, 'the stream completing')
    expect(sequenced(events.values).map((c) => c.sequence)).toEqual([1])
  })
})
