import { afterEach, describe, expect, it } from 'vitest'
import type { LegacyChatServer, LegacyChatServerOptions, ManualClock } from '../src/index.js'
import { createManualClock, startLegacyChatServer } from '../src/index.js'
import { at, formats, list, visitor, xmlBody } from './helpers.js'

let server: LegacyChatServer | undefined
let clock: ManualClock
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function start(options: LegacyChatServerOptions = {}): Promise<LegacyChatServer> {
  clock = createManualClock()
  server = await startLegacyChatServer({ clock, ...options })
  return server
}

const chatOf = (s: LegacyChatServer, uri: string) => {
  const chat = s.chat(uri.split('/').at(-1) ?? '')
  if (chat === undefined) throw new Error('no chat')
  return chat
}

describe.each(formats)('enforcement in %s', (format) => {
  const expectError = (response: { status: number; doc: unknown }, status: number, internalCode?: number, message?: string | RegExp) => {
    expect(response.status).toBe(status)
    const error = at(response.doc, 'error')
    expect(String(at(error, 'time'))).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+[+-]\d\d:\d\d$/)
    expect(typeof at(error, 'message')).toBe('string')
    if (internalCode !== undefined) expect(String(at(error, 'internalCode'))).toBe(String(internalCode))
    if (message !== undefined) expect(String(at(error, 'message'))).toMatch(message)
  }

  it('answers 401 without the app key or with a wrong one', async () => {
    const s = await start()
    const accept = format === 'xml' ? 'application/xml' : 'application/json'
    const none = await fetch(`${s.accountRoot}/chat/request?v=1`, { method: 'POST', headers: { accept } })
    expect(none.status).toBe(401)
    expect(none.headers.get('content-type')).toContain(format)
    const v = visitor(s, format)
    const uri = await v.startChat()
    const wrong = await v.get(uri, { authorization: 'LivePerson appKey=0123456789abcdef0123456789abcdef' })
    expectError(wrong, 401)
    const wrongQuery = await fetch(`${uri}?v=1&appKey=nope`, { headers: { accept } })
    expect(wrongQuery.status).toBe(401)
  })

  it('answers 400 without v=1', async () => {
    const s = await start()
    const v = visitor(s, format)
    const uri = await v.startChat()
    const response = await fetch(uri, { headers: { authorization: `LivePerson appKey=${s.appKey}`, accept: format === 'xml' ? 'application/xml' : 'application/json' } })
    expect(response.status).toBe(400)
    const v2 = await fetch(`${uri}?v=2&appKey=${s.appKey}`)
    expect(v2.status).toBe(400)
  })

  it('takes one event per POST', async () => {
    const s = await start()
    const v = visitor(s, format)
    const uri = await v.startChat()
    chatOf(s, uri).accept({ name: 'Natalie', id: 1 })
    const two = { event: [{ '@type': 'line', text: 'a' }, { '@type': 'line', text: 'b' }] }
    const response = await v.post(`${uri}/events`, format === 'json' ? two : xmlBody({ events: two }))
    expectError(response, 400, undefined, /one event/)
    expect(chatOf(s, uri).visitorLines()).toHaveLength(0)
  })

  it('refuses a line while waiting with 400 internalCode 5', async () => {
    const s = await start()
    const v = visitor(s, format)
    const uri = await v.startChat()
    expectError(await v.post(`${uri}/events`, v.line('hello?')), 400, 5, 'Cannot add line while not in chat')
  })

  it('refuses to set typing on an ended chat with 400', async () => {
    const s = await start()
    const v = visitor(s, format)
    const uri = await v.startChat()
    await v.post(`${uri}/events`, v.ended())
    expectError(await v.put(`${uri}/info/visitorTyping`, v.field('visitorTyping', 'typing')), 400, undefined, "Cannot set visitor's typing status. Chat was ended")
    expectError(await v.post(`${uri}/events`, v.line('still there?')), 400, 5)
  })

  it('times a chat out after chatTimeout seconds without a request, and not before', async () => {
    const s = await start({ dropEndedChatsAfterMs: null })
    const v = visitor(s, format)
    const uri = await v.startChat({ request: { interactionTimeout: 10 } })
    const chat = chatOf(s, uri)
    clock.advance(9_000)
    await v.get(uri) // resets the inactivity clock
    clock.advance(9_000)
    expect(chat.state).toBe('waiting')
    clock.advance(1_000)
    expect(chat.state).toBe('ended')
    expect(chat.endReason).toBe('timeout')
    const response = await v.get(`${uri}?from=2`)
    expect(list(at(response.doc, 'chat.events.event')).map((e) => e['state'])).toEqual(['ended'])
    expect(at(response.doc, 'chat.info.state')).toBe('ended')
  })

  it('uses 40 s as the default chat timeout, or the server option', async () => {
    const s = await start({ chatTimeoutS: 5 })
    const v = visitor(s, format)
    const uri = await v.startChat({ request: {} })
    expect(chatOf(s, uri).chatTimeoutS).toBe(5)
    clock.advance(5_000)
    expect(chatOf(s, uri).state).toBe('ended')
    const s40 = await startLegacyChatServer({ clock })
    try {
      const uri40 = await visitor(s40, format).startChat({ request: {} })
      expect(String(at((await visitor(s40, format).get(`${uri40}/info`)).doc, 'info.chatTimeout'))).toBe('40')
    } finally {
      await s40.close()
    }
  })

  it('keeps an ended chat readable until dropped, then answers 404 internalCode 12 on every route', async () => {
    const s = await start({ dropEndedChatsAfterMs: 30_000 })
    const v = visitor(s, format)
    const uri = await v.startChat()
    await v.post(`${uri}/events`, v.ended())
    clock.advance(29_999)
    expect((await v.get(uri)).status).toBe(200)
    clock.advance(30_000)
    for (const path of ['', '/events', '/info', '/info/visitorName', '/info/visitorTyping', '/info/agentTyping', '/exitSurvey']) {
      expectError(await v.get(`${uri}${path}`), 404, 12, 'Chat session not found')
    }
    expectError(await v.post(`${uri}/events`, v.line('hi')), 404, 12)
    expectError(await v.put(`${uri}/transcriptRequest`, v.field('email', 'a@b.c')), 404, 12)
  })

  it('answers 413 to a request body over maxRequestBytes', async () => {
    const s = await start({ maxRequestBytes: 256 })
    const v = visitor(s, format)
    const response = await v.post(`${s.accountRoot}/chat/request`, { request: { skill: 'x'.repeat(300) } })
    expect(response.status).toBe(413)
    expect(s.chats()).toHaveLength(0)
  })

  it('drops a chat on demand', async () => {
    const s = await start()
    const v = visitor(s, format)
    const uri = await v.startChat()
    const chat = chatOf(s, uri)
    s.drop(chat.id)
    expect(chat.dropped).toBe(true)
    expectError(await v.get(uri), 404, 12)
    expect(s.chat(chat.id)).toBeUndefined()
  })

  it('answers 404 internalCode 28 for an unknown path, 405 for a wrong method, 400 for a bad body or from', async () => {
    const s = await start()
    const v = visitor(s, format)
    expectError(await v.get(`${s.accountRoot}/chat.asdf`), 404, 28, /null for uri/)
    expectError(await v.get(`${s.origin}/api/account/999/chat/request`), 404, 28)
    const uri = await v.startChat()
    expectError(await v.request('DELETE', `${uri}/info`), 405)
    expectError(await v.post(`${uri}/events`, format === 'json' ? '{"event":' : '<event><text>'), 400, undefined, /Malformed/)
    expectError(await v.get(`${uri}?from=abc`), 400)
    expectError(await v.post(`${uri}/events`, format === 'json' ? { event: { '@type': 'state', state: 'chatting' } } : xmlBody({ event: { '@type': 'state', state: 'chatting' } })), 400)
  })
})
