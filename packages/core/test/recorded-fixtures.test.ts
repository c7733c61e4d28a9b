import nock from 'nock'
import { afterEach, describe, expect, it } from 'vitest'
import { ChatBridgeError, LegacyChatClient } from '@chatbridge/core'
import type { AuthenticatedVisitor, ChatSession, ChatSnapshot, StartChatRequest, Survey, SurveyAnswer } from '@chatbridge/core'
import { fixtureNames, fromXml, journeyFixtureNames, loadFixture } from '@chatbridge/testing'
import type { FixtureName, RecordedInterceptor } from '@chatbridge/testing'

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

/** The recorded chat request as the client's typed request: a recorded `survey` becomes a {@link SurveySubmission}. */
function chatRequest(body: Record<string, unknown>): StartChatRequest {
  const { survey, ...request } = body['request'] as Record<string, unknown>
  if (survey === undefined) return request
  const { id, question } = survey as { id: string | number; question: SurveyAnswer | SurveyAnswer[] }
  return { ...(request as StartChatRequest), survey: { surveyId: id, answers: Array.isArray(question) ? question : [question] } }
}

interface Replayed {
  readonly snapshots: ChatSnapshot[]
  readonly done: boolean
  readonly survey: Survey | undefined
  readonly visitor: AuthenticatedVisitor | undefined
}

/**
 * Replays a recorded chat through the client: each recorded exchange is answered by nock, and the
 * client is asked for the operation that produces it. nock refuses any request the recording does
 * not have, so the client must send exactly what was recorded, in order.
 */
async function replay(name: FixtureName, format: Format): Promise<Replayed> {
  const fixture = loadFixture(name, { format })
  nock.disableNetConnect()
  // The journeys read the account resource (the default); the older recordings start at the documented paths.
  const journey = (journeyFixtureNames as readonly string[]).includes(name)
  const client = new LegacyChatClient({ accountRoot: fixture.accountRoot, appKey: fixture.appKey, format, transport: 'fetch', ...(journey ? {} : { entryPoints: 'documented-paths' as const }) })
  const snapshots: ChatSnapshot[] = []
  let survey: Survey | undefined
  let visitor: AuthenticatedVisitor | undefined
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
        if (interceptor.method === 'GET' && url.pathname === new URL(fixture.accountRoot).pathname) {
          // The account resource: read by the client's first call that needs an entry point, not asked for.
        } else if (interceptor.method === 'GET' && url.pathname.endsWith('/chat/preSurvey')) {
          survey = await client.preChatSurvey({ skill: url.searchParams.get('skill') ?? '' })
        } else if (interceptor.method === 'POST' && url.pathname.endsWith('/conversation')) {
          const body = bodyOf(interceptor, format)
          visitor = await client.authenticateVisitor({ authChatConnId: field(body, 'authChatConnId'), ssoKey: field(body, 'ssoKey'), engagementId: Number(field(body, 'engagementId')) })
        } else if (interceptor.method === 'POST' && url.pathname.endsWith('/chat/request')) {
          chat = await client.startChat(chatRequest(bodyOf(interceptor, format)))
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
    return { snapshots, done: fixture.isDone(), survey, visitor }
  } finally {
    await client.close()
    nock.enableNetConnect()
  }
}

describe.each(['json', 'xml'] as const)('recorded chats replayed through the client (%s)', (format) => {
  it.each([...fixtureNames, ...journeyFixtureNames])('%s: every exchange is replayed, every event read once and in order', async (name) => {
    const { snapshots, done } = await replay(name, format)
    expect(done).toBe(true)
    const ids = snapshots.flatMap((snapshot) => snapshot.events.events.map((event) => event.id))
    expect(ids.length).toBeGreaterThan(0)
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids[0]).toBe(0)
  })
})

/** The chat request body a recording holds. */
function recordedChatRequest(name: FixtureName, format: Format): Record<string, unknown> {
  const request = loadFixture(name, { format }).recording.find((i) => String(i.path).includes('/chat/request'))
  nock.cleanAll()
  if (request === undefined) throw new Error(`${name} has no chat request`)
  return bodyOf(request, format)
}

/** The lines of a replayed chat, as `source: text`. */
function lines(snapshots: readonly ChatSnapshot[]): string[] {
  return snapshots.flatMap((snapshot) => snapshot.events.events.flatMap((event) => (event.type === 'line' && event.source !== 'system' ? [`${event.source}: ${event.text}`] : [])))
}

describe.each(['json', 'xml'] as const)('recorded visitor journeys replayed through the client, from the account resource (%s)', (format) => {
  it('survey-chat: the pre-chat survey decodes typed, its answers go in the chat request, the lines follow', async () => {
    const { survey, snapshots, done } = await replay('survey-chat', format)
    expect(done).toBe(true)
    expect(survey).toMatchObject({ id: '40216', title: 'Before we start' })
    expect(survey?.questions.map((q) => [q.id, q.type, q.mandatory, q.label])).toEqual([
      ['40217', 'Text Field', true, 'Your name'],
      ['40218', 'Checkbox', false, 'Topics'],
    ])
    expect(survey?.questions[1]?.entries.map((entry) => entry.value)).toEqual(['billing', 'orders'])
    expect(chatRequest(recordedChatRequest('survey-chat', format)).survey?.answers.map((a) => String(a.id))).toEqual(['40217', '40218'])
    expect(lines(snapshots)).toEqual([
      'visitor: I answered the survey, my question is about billing.',
      'agent: Thanks, I can see your details.',
      'agent: Anything else?',
    ])
    expect(snapshots.at(-1)?.info?.state).toBe('ended')
  })

  it('authenticated-chat: the conversation call gives the ids, the chat request carries them, the lines follow', async () => {
    const { visitor, snapshots, done } = await replay('authenticated-chat', format)
    expect(done).toBe(true)
    expect(visitor).toEqual({ participantId: '900001', conversationId: 'auth-conversation-1' })
    expect(chatRequest(recordedChatRequest('authenticated-chat', format))).toMatchObject({ participantId: '900001', conversationId: 'auth-conversation-1' })
    expect(lines(snapshots)).toEqual(['visitor: I am signed in, where is my order?', 'agent: Thanks, I can see your details.', 'agent: Anything else?'])
    expect(snapshots.at(-1)?.info?.state).toBe('ended')
  })
})
