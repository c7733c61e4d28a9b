import { describe, expect, it } from 'vitest'
import type { ChatFormat, ChatSnapshot } from '@chatbridge/core'
import { useLoopbackClients } from './loopback.js'
import { APP_KEY, typedFailure } from './support.js'

const loopback = useLoopbackClients(APP_KEY)
const rejection = typedFailure

async function answer(body: string | Buffer, contentType: string | undefined, format: ChatFormat, options: { maxBodyBytes?: number; contentLength?: number } = {}): Promise<ChatSnapshot> {
  const client = await loopback.serve(
    (_req, res) => {
      const headers: Record<string, string> = {}
      if (contentType !== undefined) headers['content-type'] = contentType
      if (options.contentLength !== undefined) headers['content-length'] = String(options.contentLength)
      res.writeHead(200, headers)
      res.end(body)
    },
    { format, ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }) },
  )
  return client.attach('H1-aK2').snapshot()
}

const xml = 'application/xml'

describe('hostile XML', () => {
  it('refuses external entities', async () => {
    const body = '<?xml version="1.0"?><!DOCTYPE chat [<!ENTITY x SYSTEM "file:///etc/passwd">]><chat><info><state>&x;</state></info></chat>'
    const error = await rejection(answer(body, xml, 'xml'))
    expect(error).toMatchObject({ code: 'E_DECODE', format: 'xml' })
  })

  it('refuses billion laughs without expanding it', async () => {
    const entities = ['<!ENTITY l0 "lol">']
    for (let i = 1; i < 10; i += 1) entities.push(`<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`)
    const body = `<?xml version="1.0"?><!DOCTYPE chat [${entities.join('')}]><chat><info><state>&l9;</state></info></chat>`
    const error = await rejection(answer(body, xml, 'xml'))
    expect(error.message).toContain('DOCTYPE')
  })

  it('refuses 200-deep nesting', async () => {
    const body = `<chat><info>${'<a>'.repeat(200)}x${'</a>'.repeat(200)}</info></chat>`
    const error = await rejection(answer(body, xml, 'xml'))
    expect(error).toMatchObject({ code: 'E_DECODE' })
  })

  it('refuses malformed XML', async () => {
    const error = await rejection(answer('<chat><events></chat>', xml, 'xml'))
    expect(error).toMatchObject({ code: 'E_DECODE', path: '' })
  })

  it('refuses `__proto__` element names with a decode error, polluting nothing', async () => {
    const body = '<chat><info><state>chatting</state><__proto__><polluted>yes</polluted></__proto__></info></chat>'
    const error = await rejection(answer(body, xml, 'xml'))
    expect(error).toMatchObject({ code: 'E_DECODE', format: 'xml' })
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })
})

describe('hostile JSON', () => {
  it('keeps `__proto__`/`constructor` keys as data, polluting nothing', async () => {
    const body = '{"chat":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"events":{"event":[{"@id":"0","@type":"line","text":"x","__proto__":{"isAdmin":true}}]}}}'
    const snap = await answer(body, 'application/json', 'json')
    expect(snap.events.events[0]?.type).toBe('line')
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined()
    expect((snap.events.events[0] as unknown as Record<string, unknown>)['isAdmin']).toBeUndefined()
  })

  it('a truncated body is a decode error', async () => {
    const error = await rejection(answer('{"chat":{"events":{"event":[{"@id":"0",', 'application/json', 'json'))
    expect(error).toMatchObject({ code: 'E_DECODE', status: 200 })
  })

  it('a body cut short of its Content-Length is a network error with the outcome unknown', async () => {
    const client = await loopback.serve((_req, res, socket) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
      res.write('{"chat":{}', () => socket.destroy())
    })
    const error = await rejection(client.attach('H1-aK2').snapshot())
    expect(error).toMatchObject({ code: 'E_NETWORK', outcomeUnknown: true })
  })

  it('a wrong content type is read in the requested format when it parses, and is a decode error when not', async () => {
    const snap = await answer('{"chat":{"info":{"state":"waiting"}}}', 'text/html', 'json')
    expect(snap.info?.state).toBe('waiting')
    const error = await rejection(answer('<html><body>Maintenance</body></html>', 'text/html', 'json'))
    expect(error).toMatchObject({ code: 'E_DECODE' })
    expect(error.message).toContain('text/html')
  })

  it('a missing content type falls back to the requested format', async () => {
    const snap = await answer('<chat><info><state>ended</state></info></chat>', undefined, 'xml')
    expect(snap.info?.state).toBe('ended')
  })

  it('refuses ids that are negative, fractional or not numbers, naming the event', async () => {
    for (const [id, index] of [['-1', 0], ['1.5', 0], ['abc', 0], [null, 0]] as const) {
      const body = JSON.stringify({ chat: { events: { event: [{ '@id': id, '@type': 'line' }] } } })
      const error = await rejection(answer(body, 'application/json', 'json'))
      expect(error).toMatchObject({ code: 'E_DECODE', path: `chat.events.event.${index}.@id` })
      await loopback.reset()
    }
  })

  it('orders ids that go backwards and keeps repeated ones for the consumer to dedupe', async () => {
    const body = JSON.stringify({
      chat: { events: { event: [{ '@id': '5', '@type': 'state', state: 'chatting' }, { '@id': '3', '@type': 'line' }, { '@id': '5', '@type': 'state', state: 'chatting' }] } },
    })
    const snap = await answer(body, 'application/json', 'json')
    expect(snap.events.events.map((event) => event.id)).toEqual([3, 5, 5])
  })
})

describe('hostile sizes', () => {
  const events = Array.from({ length: 100_000 }, (_, i) => ({ '@id': String(i), '@type': 'line', time: '2017-02-27T06:24:15.424-05:00', text: `line ${i}`, source: 'agent' }))
  const body = JSON.stringify({ chat: { events: { event: events } } })

  it('100,000 events over the default 1 MiB limit are refused', async () => {
    const error = await rejection(answer(body, 'application/json', 'json'))
    expect(error).toMatchObject({ code: 'E_BODY_TOO_LARGE', limitBytes: 1_048_576 })
  })

  it('100,000 events decode in order when the limit allows them', async () => {
    const snap = await answer(body, 'application/json', 'json', { maxBodyBytes: 64 * 1_048_576 })
    expect(snap.events.events).toHaveLength(100_000)
    expect(snap.events.events[99_999]).toMatchObject({ id: 99_999, text: 'line 99999' })
  })
})
