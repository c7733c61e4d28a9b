import { describe, expect, it } from 'vitest'
import { DecodeError, HttpError } from '@chatbridge/core'
import { formatNegotiation } from '../../src/transport/format-negotiation.js'
import { wireFormat } from '../../src/wire-format.js'
import { fakeHandler, readerOf } from './fake-handler.js'

const uri = new URL('https://x/api/account/1/chat/H1')

describe('formatNegotiation', () => {
  it('asks for its media type, sends the body in it, and PUT as an override', async () => {
    const inner = fakeHandler(() => ({ status: 201, headers: { location: 'https://x/api/account/1/chat/H1/events/7' } }))
    const response = await formatNegotiation(wireFormat('xml'))(inner)({ method: 'POST', override: 'PUT', uri, body: { visitorName: 'Ann' }, timeoutMs: 5 })
    expect(inner.requests[0]).toMatchObject({
      method: 'POST',
      headers: { accept: 'application/xml', 'content-type': 'application/xml; charset=utf-8', 'x-http-method-override': 'PUT' },
      timeoutMs: 5,
    })
    expect(inner.requests[0]?.body).toContain('<visitorName>Ann</visitorName>')
    expect(response.location?.href).toBe('https://x/api/account/1/chat/H1/events/7')
    expect(response.document).toBeUndefined()
  })

  it('parses the body in the format the response declares', async () => {
    const inner = fakeHandler(() => ({ headers: { 'content-type': 'application/json' }, body: ['{"info":', '{"state":"ended"}}'] }))
    const response = await formatNegotiation(wireFormat('xml'))(inner)({ method: 'GET', uri })
    expect(response).toMatchObject({ format: 'json', document: { info: { state: 'ended' } } })
  })

  it('maps a non-success status to HttpError, bad bytes and bad syntax to DecodeError', async () => {
    const send = (status: number, body: string | readonly string[], type = 'application/json') =>
      formatNegotiation(wireFormat('json'))(fakeHandler(() => ({ status, body, headers: { 'content-type': type } })))({ method: 'GET', uri }).catch((e: unknown) => e)
    expect(await send(400, '{"error":{"internalCode":5}}')).toMatchObject({ code: 'E_HTTP', internalCode: 5 })
    expect(await send(500, 'not json')).toBeInstanceOf(HttpError)
    const syntax = await send(200, '{"chat":')
    expect(syntax).toBeInstanceOf(DecodeError)
    expect((syntax as DecodeError).message).toContain('not well-formed JSON (content type application/json)')
    const bytes = await formatNegotiation(wireFormat('json'))((request) =>
      Promise.resolve({ status: 200, url: request.url, header: () => null, discard: () => undefined, read: readerOf([new Uint8Array([0x7b, 0xff])]) }),
    )({ method: 'GET', uri }).catch((e: unknown) => e)
    expect(bytes).toMatchObject({ code: 'E_DECODE', path: '' })
    expect((bytes as Error).message).toContain('not valid UTF-8')
  })
})
