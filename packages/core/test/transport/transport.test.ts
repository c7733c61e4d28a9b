import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MockAgent } from 'undici'
import { ForeignOriginError, LegacyChatClient, trustedNextLink } from '@chatbridge/core'
import { APP_KEY, CHAT_URI, ORIGIN, ROOT, fixture } from '../support.js'

// The whole chain on the default `request` path, against undici's MockAgent (nock cannot see this path).

interface Seen {
  readonly origin: string
  readonly path: string
  readonly headers: Record<string, string>
}

const FOREIGN = 'https://lo.chat.example'
let agent: MockAgent
let seen: Seen[]

function headersOf(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (Array.isArray(raw)) for (let i = 0; i + 1 < raw.length; i += 2) out[String(raw[i]).toLowerCase()] = String(raw[i + 1])
  else if (raw !== null && typeof raw === 'object') for (const [name, value] of Object.entries(raw)) out[name.toLowerCase()] = String(value)
  return out
}

function answer(origin: string, method: 'GET' | 'POST', status: number, body: string, headers: Record<string, string> = {}): void {
  agent
    .get(origin)
    .intercept({ path: () => true, method })
    .reply((options) => {
      seen.push({ origin, path: options.path, headers: headersOf(options.headers) })
      return { statusCode: status, data: body, responseOptions: { headers } }
    })
}

function client(extra: Partial<ConstructorParameters<typeof LegacyChatClient>[0]> = {}): LegacyChatClient {
  return new LegacyChatClient({ accountRoot: ROOT, appKey: APP_KEY, dispatcher: agent, entryPoints: 'documented-paths', ...extra })
}

beforeEach(() => {
  agent = new MockAgent()
  agent.disableNetConnect()
  seen = []
})
afterEach(async () => {
  agent.assertNoPendingInterceptors()
  await agent.close()
})

describe('the transport on the request path', () => {
  it('sends the key home, v=1&NC=true and the format; the poll follows a trusted next link', async () => {
    answer(ORIGIN, 'GET', 200, fixture('seed-chat.json'), { 'content-type': 'application/json' })
    answer(ORIGIN, 'GET', 200, fixture('seed-chat.json'), { 'content-type': 'application/json' })
    const chat = client().attach(CHAT_URI)
    const snapshot = await chat.snapshot({ from: 0 })
    const next = trustedNextLink(snapshot.links, 4)
    expect(next?.searchParams.get('from')).toBe('4')
    await chat.followNext(next ?? new URL(CHAT_URI))
    expect(seen.map((request) => new URL(request.path, ORIGIN).search)).toEqual(['?from=0&v=1&NC=true', '?from=4&v=1&NC=true'])
    expect(seen[0]?.headers).toMatchObject({ authorization: `LivePerson appKey=${APP_KEY}`, accept: 'application/json' })
    expect(snapshot.events.events.map((event) => event.type).length).toBeGreaterThan(0)
  })

  it('reads the XML form of the same chat into the same model', async () => {
    answer(ORIGIN, 'GET', 200, fixture('seed-chat.json'), { 'content-type': 'application/json' })
    answer(ORIGIN, 'GET', 200, fixture('seed-chat.xml'), { 'content-type': 'application/xml' })
    const fromJson = await client().attach(CHAT_URI).snapshot()
    const fromXml = await client({ format: 'xml' }).attach(CHAT_URI).snapshot()
    expect(seen[1]?.headers['accept']).toBe('application/xml')
    expect(fromXml.events.events.map(({ raw: _, ...event }) => event)).toEqual(fromJson.events.events.map(({ raw: _, ...event }) => event))
    expect(fromXml.links.rels()).toEqual(fromJson.links.rels())
  })

  it('follows a redirect, each hop versioned and authorised', async () => {
    answer(ORIGIN, 'GET', 302, '', { location: `${CHAT_URI}?moved=1` })
    answer(ORIGIN, 'GET', 200, fixture('seed-chat.json'), { 'content-type': 'application/json' })
    await client().attach(`${ROOT}/chat/old`).snapshot()
    expect(seen.map((request) => request.path)).toEqual([`/api/account/12345678/chat/old?v=1&NC=true`, `${new URL(CHAT_URI).pathname}?moved=1&v=1&NC=true`])
    expect(seen[1]?.headers['authorization']).toBe(`LivePerson appKey=${APP_KEY}`)
  })
})

describe('one origin policy for every URI: Location, attach, links', () => {
  it('a Location on an allowed origin is taken, and that origin never gets the key', async () => {
    answer(ORIGIN, 'POST', 201, '', { location: `${FOREIGN}/api/account/12345678/chat/H9?v=1&NC=true` })
    answer(FOREIGN, 'GET', 200, fixture('seed-chat.json'), { 'content-type': 'application/json' })
    const chat = await client({ allowedOrigins: [FOREIGN] }).startChat()
    expect(chat.uri.href).toBe(`${FOREIGN}/api/account/12345678/chat/H9`)
    await chat.snapshot()
    expect(seen[1]?.origin).toBe(FOREIGN)
    expect(seen[1]?.headers['authorization']).toBeUndefined()
  })

  it('a Location elsewhere is refused, and nothing is sent there', async () => {
    answer(ORIGIN, 'POST', 201, '', { location: `${FOREIGN}/api/account/12345678/chat/H9` })
    const error: unknown = await client().startChat().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ForeignOriginError)
    expect(seen).toHaveLength(1)
  })

  it('attach follows the same policy, failing fast', () => {
    expect(client({ allowedOrigins: [FOREIGN] }).attach(`${FOREIGN}/x/chat/H9`).uri.origin).toBe(FOREIGN)
    expect(() => client().attach(`${FOREIGN}/api/account/12345678/chat/H9`)).toThrow(ForeignOriginError)
    expect(() => client().attach(`${ORIGIN}/api/account/999/chat/H9`)).toThrow(ForeignOriginError)
  })
})
