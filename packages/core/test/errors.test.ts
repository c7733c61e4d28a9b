import { beforeEach, describe, expect, it } from 'vitest'
import {
  AbortedError,
  BodyTooLargeError,
  ChatGoneError,
  DecodeError,
  ForeignOriginError,
  HttpError,
  InvalidArgumentError,
  LegacyChatClient,
  NetworkError,
  RelationMissingError,
  TimeoutError,
} from '@chatbridge/core'
import { startLoopback, useLoopbackClients } from './loopback.js'
import type { LoopbackHandler } from './loopback.js'
import { APP_KEY, leakedKey, typedFailure } from './support.js'

const CHAT = '/api/account/1/chat/H1-abcK2'
let transport: 'fetch' | 'request' = 'request'
const loopback = useLoopbackClients(APP_KEY, () => ({ transport }))
const serve = loopback.serve
const failure = typedFailure

function json(status: number, body: unknown, headers: Record<string, string> = {}): LoopbackHandler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(typeof body === 'string' ? body : JSON.stringify(body))
  }
}

describe.each(['request', 'fetch'] as const)('typed errors over %s, by where they fail, with no app key in them', (path) => {
  beforeEach(() => {
    transport = path
  })

  it('HttpError carries the status, internalCode and server message', async () => {
    const c = await serve(json(400, { error: { time: '2017-12-06T16:29:45.438-05:00', message: 'Cannot add line while not in chat', internalCode: 5 } }))
    const chat = c.attach(`${loopback.server?.origin}${CHAT}`)
    // The events link is learnt from the chat resource first; this server refuses everything.
    const error = await failure(chat.snapshot())
    expect(error).toBeInstanceOf(HttpError)
    expect(error).toMatchObject({ code: 'E_HTTP', status: 400, internalCode: 5, serverMessage: 'Cannot add line while not in chat', method: 'GET' })
  })

  it('HttpError reads Retry-After in milliseconds', async () => {
    const c = await serve(json(429, { error: { message: 'slow down' } }, { 'retry-after': '3' }))
    const error = await failure(c.availability())
    expect(error).toMatchObject({ code: 'E_HTTP', status: 429, retryAfterMs: 3000 })
  })

  it('ChatGoneError for 404 internalCode 12', async () => {
    const c = await serve(json(404, { error: { time: 't', message: 'Chat session not found', internalCode: 12 } }))
    const error = await failure(c.attach('H1-abcK2').snapshot())
    expect(error).toBeInstanceOf(ChatGoneError)
    expect(error).toBeInstanceOf(HttpError)
    expect(error).toMatchObject({ code: 'E_CHAT_GONE', status: 404, internalCode: 12 })
  })

  it('NetworkError when nothing listens, with the outcome known (not sent)', async () => {
    const c = await serve(() => undefined)
    await loopback.server?.close()
    const error = await failure(c.attach('H1-abcK2').snapshot())
    expect(error).toBeInstanceOf(NetworkError)
    expect(error).toMatchObject({ code: 'E_NETWORK', outcomeUnknown: false })
  })

  it('NetworkError with the outcome unknown when the connection resets after the request', async () => {
    const c = await serve((_req, _res, socket) => socket.destroy())
    const error = await failure(c.attach('H1-abcK2').addLine('hello'))
    // addLine first reads the chat to learn its `events` link; the reset hits that read.
    expect(error).toMatchObject({ code: 'E_NETWORK', outcomeUnknown: true, method: 'GET' })
  })

  it('TimeoutError when no response arrives in time', async () => {
    const c = await serve(() => undefined, { requestTimeoutMs: 50 })
    const error = await failure(c.attach('H1-abcK2').snapshot())
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error).toMatchObject({ code: 'E_TIMEOUT', timeoutMs: 50, outcomeUnknown: true })
  })

  it('TimeoutError when the body stalls after the head (the deadline covers the body: undici times nothing itself)', async () => {
    const c = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"chat": {"events": ')
    }, { requestTimeoutMs: 50 })
    const error = await failure(c.attach('H1-abcK2').snapshot())
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error).toMatchObject({ code: 'E_TIMEOUT', timeoutMs: 50 })
  })

  it('AbortedError when the caller aborts', async () => {
    const c = await serve(() => undefined)
    const controller = new AbortController()
    const pending = c.attach('H1-abcK2').snapshot({ signal: controller.signal })
    controller.abort()
    const error = await failure(pending)
    expect(error).toBeInstanceOf(AbortedError)
    expect(error.code).toBe('E_ABORTED')
  })

  it('DecodeError for malformed JSON names the URI and status', async () => {
    const c = await serve(json(200, '{"chat": {"events": '))
    const error = await failure(c.attach('H1-abcK2').snapshot())
    expect(error).toBeInstanceOf(DecodeError)
    expect(error).toMatchObject({ code: 'E_DECODE', status: 200, format: 'json', path: '' })
    expect((error as DecodeError).uri).toContain(CHAT)
  })

  it('DecodeError names the path of an event without a usable @id', async () => {
    const c = await serve(json(200, { chat: { events: { event: [{ '@id': '0', '@type': 'state' }, { '@id': 'x1', '@type': 'line' }] } } }))
    const error = await failure(c.attach('H1-abcK2').snapshot())
    expect(error).toMatchObject({ code: 'E_DECODE', path: 'chat.events.event.1.@id' })
    expect(error.message).toContain('non-negative integer')
  })

  it('DecodeError when the root is not the expected resource', async () => {
    const c = await serve(json(200, { notChat: {} }))
    const error = await failure(c.attach('H1-abcK2').snapshot())
    expect(error).toMatchObject({ code: 'E_DECODE', path: 'chat' })
  })

  it('DecodeError for XML with a DOCTYPE, and for invalid UTF-8', async () => {
    const c = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' })
      if (req.url.includes('from=1')) res.end(Buffer.from([0x3c, 0x63, 0x68, 0x61, 0x74, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x63, 0x68, 0x61, 0x74, 0x3e]))
      else res.end('<?xml version="1.0"?><!DOCTYPE chat [<!ENTITY a "aaaa">]><chat>&a;</chat>')
    }, { format: 'xml' })
    const doctype = await failure(c.attach('H1-abcK2').snapshot())
    expect(doctype).toMatchObject({ code: 'E_DECODE', format: 'xml' })
    expect(doctype.message).toContain('DOCTYPE')
    const utf8 = await failure(c.attach('H1-abcK2').snapshot({ from: 1 }))
    expect(utf8.message).toContain('UTF-8')
  })

  it('BodyTooLargeError by Content-Length and by streamed size', async () => {
    const big = 'x'.repeat(4096)
    const c = await serve((req, res) => {
      if (req.url.includes('from=1')) {
        res.writeHead(200, { 'content-type': 'application/json' })
        for (let i = 0; i < 4; i += 1) res.write(big)
        res.end()
      } else {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(big.length) })
        res.end(big)
      }
    }, { maxBodyBytes: 1024 })
    const declared = await failure(c.attach('H1-abcK2').snapshot())
    expect(declared).toBeInstanceOf(BodyTooLargeError)
    expect(declared).toMatchObject({ code: 'E_BODY_TOO_LARGE', limitBytes: 1024 })
    const streamed = await failure(c.attach('H1-abcK2').snapshot({ from: 1 }))
    expect(streamed.code).toBe('E_BODY_TOO_LARGE')
  })

  it('RelationMissingError names the relation and the resource', async () => {
    const c = await serve(json(200, { chat: { link: [{ '@href': 'http://127.0.0.1:1/x', '@rel': 'self' }] } }))
    const error = await failure(c.attach('H1-abcK2').requestTranscript({ email: 'a@b.c' }))
    expect(error).toBeInstanceOf(RelationMissingError)
    expect(error).toMatchObject({ code: 'E_RELATION_MISSING', rel: 'transcript-request' })
    expect((error as RelationMissingError).resource).toContain(CHAT)
  })

  it('ForeignOriginError for a link to another origin, which never receives the key', async () => {
    const foreign = await startLoopback((_req, res) => res.end('{}'))
    try {
      const c = await serve(json(200, { chat: { link: [{ '@href': `${foreign.origin}/steal`, '@rel': 'events' }] } }))
      const error = await failure(c.attach('H1-abcK2').addLine('hi'))
      expect(error).toBeInstanceOf(ForeignOriginError)
      expect(error).toMatchObject({ code: 'E_FOREIGN_ORIGIN' })
      expect(foreign.requests).toHaveLength(0)
    } finally {
      await foreign.close()
    }
  })

  it('an allowed foreign origin is followed without the key', async () => {
    const foreign = await startLoopback(json(201, '', { location: 'http://127.0.0.1/events/9' }))
    try {
      const c = await serve(json(200, { chat: { link: [{ '@href': `${foreign.origin}/events`, '@rel': 'events' }] } }), {
        allowedOrigins: [foreign.origin],
      })
      expect(await c.attach('H1-abcK2').addLine('hi')).toBe(9)
      expect(foreign.requests).toHaveLength(1)
      expect(foreign.requests[0]?.headers.authorization).toBeUndefined()
      expect(loopback.server?.requests[0]?.headers.authorization).toBe(`LivePerson appKey=${APP_KEY}`)
    } finally {
      await foreign.close()
    }
  })

  it('relative links that climb out of the account root are refused', async () => {
    const c = await serve(json(200, { chat: { link: [{ '@href': '../../../../admin/events', '@rel': 'events' }] } }))
    const error = await failure(c.attach('H1-abcK2').addLine('x'))
    expect(error).toMatchObject({ code: 'E_FOREIGN_ORIGIN' })
    expect(loopback.server?.requests.map((request) => request.url.split('?')[0])).toEqual([CHAT])
  })

  it('links to non-HTTP schemes are refused', async () => {
    const c = await serve(json(200, { chat: { link: [{ '@href': 'javascript:alert(1)', '@rel': 'events' }, { '@href': 'file:///etc/passwd', '@rel': 'info' }] } }))
    const chat = c.attach('H1-abcK2')
    expect((await failure(chat.addLine('x'))).code).toBe('E_FOREIGN_ORIGIN')
    expect((await failure(chat.info())).code).toBe('E_FOREIGN_ORIGIN')
  })

  it('InvalidArgumentError shows a correct call', () => {
    expect(() => new LegacyChatClient({ accountRoot: 'not a uri', appKey: APP_KEY })).toThrow(InvalidArgumentError)
    expect(() => new LegacyChatClient({ accountRoot: 'https://x/api/account/1', appKey: '' })).toThrow(/appKey is required/)
    expect(() => new LegacyChatClient({ accountRoot: 'https://x/api/account/1', appKey: APP_KEY, requestTimeoutMs: -5 })).toThrow(/requestTimeoutMs must be a positive integer, e.g./)
    expect(() => new LegacyChatClient({ accountRoot: 'https://x/api/account/1', appKey: APP_KEY, maxBodyBytes: Number.NaN })).toThrow(InvalidArgumentError)
    try {
      new LegacyChatClient({ accountRoot: 'ftp://x', appKey: APP_KEY })
    } catch (error) {
      expect(error).toMatchObject({ code: 'E_INVALID_ARGUMENT' })
      expect(leakedKey(error)).toBe(false)
    }
  })
})
