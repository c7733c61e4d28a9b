import { XMLValidator } from 'fast-xml-parser'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { LegacyChat, LegacyChatServer, ManualClock } from '../src/index.js'
import { createManualClock, startLegacyChatServer } from '../src/index.js'
import { at, formats, list, visitor } from './helpers.js'

let server: LegacyChatServer
let clock: ManualClock
beforeAll(async () => {
  clock = createManualClock()
  server = await startLegacyChatServer({ clock, dropEndedChatsAfterMs: null })
})
afterAll(() => server.close())
beforeEach(() => server.faults.clear())

async function chatting(format: 'json' | 'xml') {
  const v = visitor(server, format)
  const uri = await v.startChat()
  const chat = server.chat(uri.split('/').at(-1) ?? '') as LegacyChat
  chat.accept({ name: 'Natalie', id: 1 })
  return { v, uri, chat }
}

describe.each(formats)('fault kinds in %s', (format) => {
  it('status: any status with the error body, nothing applied', async () => {
    const { v, uri, chat } = await chatting(format)
    server.faults.add({ route: 'events', method: 'POST', fault: { kind: 'status', status: 500, internalCode: 77, message: 'Boom' } })
    const response = await v.post(`${uri}/events`, v.line('hi'))
    expect(response.status).toBe(500)
    expect(at(response.doc, 'error.message')).toBe('Boom')
    expect(String(at(response.doc, 'error.internalCode'))).toBe('77')
    expect(chat.visitorLines()).toHaveLength(0)
  })

  it.each([429, 503])('status %i with Retry-After', async (status) => {
    const { v, uri } = await chatting(format)
    server.faults.add({ route: 'chat', times: 1, fault: { kind: 'status', status, retryAfterS: 3 } })
    const first = await v.get(uri)
    expect(first.status).toBe(status)
    expect(first.headers.get('retry-after')).toBe('3')
    expect(first.headers.get('content-type')).toContain(format)
    expect((await v.get(uri)).status).toBe(200)
  })

  it('latency: the answer waits for the server clock', async () => {
    const { v, uri, chat } = await chatting(format)
    server.faults.add({ route: 'info', fault: { kind: 'latency', ms: 5_000 } })
    let answered = false
    const pending = v.get(`${uri}/info`).then((response) => {
      answered = true
      return response
    })
    await server.requests.waitFor((entry) => entry.chatId === chat.id && entry.route === 'info' && entry.fault === 'latency')
    clock.advance(4_999)
    await Promise.resolve()
    expect(answered).toBe(false)
    clock.advance(1)
    expect((await pending).status).toBe(200)
  })

  it('latency combines with another fault', async () => {
    const { v, uri, chat } = await chatting(format)
    server.faults.add({ route: 'info', fault: { kind: 'latency', ms: 100 } })
    server.faults.add({ route: 'info', fault: { kind: 'status', status: 502 } })
    const pending = v.get(`${uri}/info`)
    await server.requests.waitFor((entry) => entry.chatId === chat.id && entry.route === 'info' && entry.status === undefined)
    clock.advance(100)
    expect((await pending).status).toBe(502)
  })

  it('reset-before: the connection is reset and the line is not added', async () => {
    const { v, uri, chat } = await chatting(format)
    server.faults.add({ route: 'events', method: 'POST', times: 1, fault: { kind: 'reset-before' } })
    await expect(v.post(`${uri}/events`, v.line('lost'))).rejects.toThrow()
    expect(chat.visitorLines()).toHaveLength(0)
    expect(server.requests.entries.at(-1)).toMatchObject({ status: 0, fault: 'reset-before' })
  })

  it('reset-after: the connection is reset but the line was added (the ambiguous failure)', async () => {
    const { v, uri, chat } = await chatting(format)
    server.faults.add({ route: 'events', method: 'POST', times: 1, fault: { kind: 'reset-after' } })
    await expect(v.post(`${uri}/events`, v.line('applied'))).rejects.toThrow()
    expect(chat.visitorLines().map((l) => l['text'])).toEqual(['applied'])
  })

  it('truncate: headers promise more body than arrives', async () => {
    const { uri } = await chatting(format)
    server.faults.add({ route: 'chat', times: 1, fault: { kind: 'truncate' } })
    const response = await fetch(`${uri}?v=1&appKey=${server.appKey}`, { headers: { accept: `application/${format}` } })
    expect(response.status).toBe(200)
    await expect(response.text()).rejects.toThrow()
  })

  it('malformed: the body is not well-formed in the negotiated format', async () => {
    const { v, uri } = await chatting(format)
    server.faults.add({ route: 'chat', times: 1, fault: { kind: 'malformed' } })
    const response = await fetch(`${uri}?v=1&appKey=${server.appKey}`, { headers: { accept: `application/${format}` } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain(format)
    const text = await response.text()
    if (format === 'json') expect(() => JSON.parse(text) as unknown).toThrow()
    else expect(XMLValidator.validate(text)).not.toBe(true)
    // Also on an empty-bodied answer.
    server.faults.add({ route: 'events', method: 'POST', times: 1, fault: { kind: 'malformed' } })
    const created = await v.post(`${uri}/events`, v.line('x'))
    expect(created.status).toBe(201)
    expect(created.text).toBe(format === 'json' ? '{' : '<')
  })

  it('content-type: the answer carries the wrong type', async () => {
    const { v, uri } = await chatting(format)
    server.faults.add({ route: 'chat', times: 1, fault: { kind: 'content-type', value: 'text/html' } })
    const response = await v.get(uri)
    expect(response.headers.get('content-type')).toBe('text/html')
  })

  it('oversize: the body is padded to the given size', async () => {
    const { uri } = await chatting(format)
    server.faults.add({ route: 'chat', times: 1, fault: { kind: 'oversize', bytes: 3 * 1024 * 1024 } })
    const response = await fetch(`${uri}?v=1&appKey=${server.appKey}`, { headers: { accept: `application/${format}` } })
    expect(response.headers.get('content-length')).toBe(String(3 * 1024 * 1024))
    const body = await response.arrayBuffer()
    expect(body.byteLength).toBe(3 * 1024 * 1024)
  })
})

describe('fault selection', () => {
  it('by count: skip the first N matches, then apply `times` times', async () => {
    const { v, uri } = await chatting('json')
    const handle = server.faults.add({ route: 'chat', skip: 1, times: 2, fault: { kind: 'status', status: 503 } })
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await v.get(uri)).status)
    expect(statuses).toEqual([200, 503, 503, 200])
    expect(handle.hits).toBe(2)
  })

  it('by probability with a seed: reproducible', async () => {
    const { v, uri } = await chatting('json')
    const run = async (): Promise<number[]> => {
      server.faults.clear()
      server.faults.add({ route: 'info', probability: 0.5, seed: 42, fault: { kind: 'status', status: 503 } })
      const out: number[] = []
      for (let i = 0; i < 20; i++) out.push((await v.get(`${uri}/info`)).status)
      return out
    }
    const first = await run()
    expect(await run()).toEqual(first)
    expect(first.filter((s) => s === 503).length).toBeGreaterThan(2)
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(2)
  })

  it('by predicate on the parsed body, by route list and by method', async () => {
    const { v, uri, chat } = await chatting('xml')
    server.faults.add({ route: ['events', 'chat'], method: 'POST', when: (request) => at(request.body, 'event.text') === 'boom', fault: { kind: 'status', status: 400 } })
    expect((await v.post(`${uri}/events`, v.line('fine'))).status).toBe(201)
    expect((await v.post(`${uri}/events`, v.line('boom'))).status).toBe(400)
    expect((await v.get(`${uri}/events`)).status).toBe(200)
    expect(chat.visitorLines().map((l) => l['text'])).toEqual(['fine'])
  })

  it('remove() uninstalls a rule; a probability outside 0-1 is refused', async () => {
    const { v, uri } = await chatting('json')
    const handle = server.faults.add({ fault: { kind: 'status', status: 500 } })
    expect((await v.get(uri)).status).toBe(500)
    handle.remove()
    expect((await v.get(uri)).status).toBe(200)
    expect(() => server.faults.add({ probability: 2, fault: { kind: 'truncate' } })).toThrow(RangeError)
  })

  it('logs each request with its fault, status, and the app key redacted', async () => {
    const { v, uri } = await chatting('json')
    server.faults.add({ route: 'agent-typing', times: 1, fault: { kind: 'status', status: 503 } })
    await v.get(`${uri}/info/agentTyping`)
    await fetch(`${uri}/info?v=1&appKey=${server.appKey}`)
    const entries = server.requests.entries
    expect(entries.at(-2)).toMatchObject({ route: 'agent-typing', status: 503, fault: 'status', effectiveMethod: 'GET' })
    expect(entries.at(-2)?.headers['authorization']).toBe('LivePerson appKey=<redacted>')
    expect(entries.at(-1)?.query).toEqual({ v: '1', appKey: '<redacted>' })
    expect(JSON.stringify(entries)).not.toContain(server.appKey)
    expect(list(entries).length).toBeGreaterThan(0)
  })
})
