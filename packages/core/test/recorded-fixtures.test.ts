import nock from 'nock'
import { afterEach, describe, expect, it } from 'vitest'
import { ChatBridgeError, LegacyChatClient } from '@chatbridge/core'
import type { ChatSession, ChatSnapshot, StartChatRequest } from '@chatbridge/core'
import { fixtureNames, fromXml, loadFixture } from '@chatbridge/testing'
import type { RecordedInterceptor } from '@chatbridge/testing'

afterEach(() => {
  nock.cleanAll()
})

type Format = 'json' | 'xml'

function bodyOf(interceptor: RecordedInterceptor, format: Format): Record<string, unknown> {
  const body: unknown = interceptor.body
  if (typeof body === 'string' && body.startsWith('<')) return fromXml(body)
  if (typeof body === 'string' && body !== '') return JSON.parse(body) as Record<string, unknown>
  if (typeof body === 'object' && body !== null) return body as Record<string, unknown>
  throw new Error(`no ${format} body in ${interceptor.method} ${String(interceptor.path)}`)
}

function field(body: Record<string, unknown>, ...path: string[]): string {
  let value: unknown = body
  for (const key of path) value = (value as Record<string, unknown>)[key]
  return String(value)
}

/**
 * Replays a recorded chat through the client: each recorded exchange is answered by nock, and the
 * client is asked for the operation that produces it. nock refuses any request the recording does
 * not have, so the client must send exactly what was recorded, in order.
 */
async function replay(name: (typeof fixtureNames)[number], format: Format): Promise<{ snapshots: ChatSnapshot[]; done: boolean }> {
  const fixture = loadFixture(name, { format })
  nock.disableNetConnect()
  const client = new LegacyChatClient({ accountRoot: fixture.accountRoot, appKey: fixture.appKey, format, transport: 'fetch', entryPoints: 'documented-paths' })
  const snapshots: ChatSnapshot[] = []
  let chat: ChatSession | undefined
  const session = (): ChatSession => {
    if (chat === undefined) throw new Error('the recording uses the chat before requesting it')
    return chat
  }
  try {
    for (const interceptor of fixture.recording) {
      const path = String(interceptor.path)
      const url = new URL(path, fixture.origin)
      const route = url.pathname.replace(/^.*\/chat\/[^/]+/, '')
      const operation = async (): Promise<void> => {
        if (interceptor.method === 'POST' && url.pathname.endsWith('/chat/request')) {
          chat = await client.startChat(bodyOf(interceptor, format)['request'] as StartChatRequest)
        } else if (interceptor.method === 'GET' && route === '') {
          const last = snapshots.at(-1)
          snapshots.push(url.searchParams.has('from') && last !== undefined ? await session().followNext(last.links.require('next')) : await session().snapshot())
        } else if (interceptor.method === 'GET' && route === '/info') {
          await session().info()
        } else if (interceptor.method === 'GET' && route === '/info/agentTyping') {
          await session().agentTyping()
        } else if (interceptor.method === 'POST' && route === '/events') {
          const body = bodyOf(interceptor, format)
          if (field(body, 'event', '@type') === 'line') await session().addLine(field(body, 'event', 'text'))
          else await session().end()
        } else if (interceptor.method === 'POST' && route === '/info/visitorName') {
          await session().setVisitorName(field(bodyOf(interceptor, format), 'visitorName'))
        } else if (interceptor.method === 'POST' && route === '/info/visitorTyping') {
          await session().setVisitorTyping(field(bodyOf(interceptor, format), 'visitorTyping') === 'typing' ? 'typing' : 'not-typing')
        } else if (interceptor.method === 'POST' && (route === '/transcriptRequest' || route === '/transcriptWithSubjectRequest')) {
          const body = bodyOf(interceptor, format)
          const subject = body['subject']
          await session().requestTranscript({ email: field(body, 'email'), ...(typeof subject === 'string' ? { subject } : {}) })
        } else {
          throw new Error(`the replay does not know ${interceptor.method} ${route}`)
        }
      }
      if ((interceptor.status ?? 200) >= 400) {
        const error = await operation().catch((reason: unknown) => reason)
        expect(error).toBeInstanceOf(ChatBridgeError)
        expect(error).toMatchObject({ status: interceptor.status })
      } else {
        await operation()
      }
    }
    return { snapshots, done: fixture.isDone() }
  } finally {
    await client.close()
    nock.enableNetConnect()
  }
}

describe.each(['json', 'xml'] as const)('recorded chats replayed through the client (%s)', (format) => {
  it.each([...fixtureNames])('%s: every exchange is replayed, every event read once and in order', async (name) => {
    const { snapshots, done } = await replay(name, format)
    expect(done).toBe(true)
    const ids = snapshots.flatMap((snapshot) => snapshot.events.events.map((event) => event.id))
    expect(ids.length).toBeGreaterThan(0)
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids[0]).toBe(0)
  })
})
