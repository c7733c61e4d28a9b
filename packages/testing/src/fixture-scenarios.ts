// The scenarios behind the recorded fixtures, and recordFixture, which replays one against a fresh server.
import type { ManualClock } from './clock.js'
import { createManualClock } from './clock.js'
import type { RecordedInterceptor } from './scrub.js'
import { recordSession } from './recorder.js'
import type { WireFormatName } from './representation.js'
import { ScriptedVisitor } from './scripted-visitor.js'
import type { LegacyChatServer } from './server.js'
import { startLegacyChatServer } from './server.js'

/** The recorded chats that start at the documented paths (replay them with `entryPoints: 'documented-paths'`), by fixture name. */
export const fixtureNames = ['plain-chat', 'agent-html', 'transfer', 'timeout', 'agent-ends', 'visitor-ends'] as const

/**
 * The recorded visitor journeys, by fixture name: each reads the account resource first and
 * navigates by its links (replay them with the client's default entry points). `survey-chat`
 * answers the pre-chat survey in the chat request; `authenticated-chat` makes the `conversation`
 * call and requests the chat with the ids it returned.
 */
export const journeyFixtureNames = ['survey-chat', 'authenticated-chat'] as const

/** The name of a recorded chat or journey. */
export type FixtureName = (typeof fixtureNames)[number] | (typeof journeyFixtureNames)[number]

/** The fixed origin recordings are rewritten to, so fixtures do not depend on the port. */
export const fixtureOrigin = 'https://chat.example.test'

interface Stage {
  readonly server: LegacyChatServer
  readonly clock: ManualClock
  readonly visitor: ScriptedVisitor
}

// Personal values a real visitor would send; the recorder replaces every one of them.
const chatRequest = {
  skill: 'Sales',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:118.0) Gecko/20100101 Firefox/118.0',
  visitorIp: '203.0.113.77',
  LETagVisitorId: 'rloXnVgEQ-iQuoOytvKNqA',
  LETagSessionId: 'rN82d4rATN6EuiA4cJwaPg',
  LETagContextId: '2',
  engagementId: 27469613,
  campaignId: 26948813,
  language: 'en-US',
}
// A brand's JWT as the SSO key (a made-up one): the recorder must leave no trace of it.
const brandJwt = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ2aXNpdG9yLTQyIiwiaXNzIjoiYnJhbmQuZXhhbXBsZSJ9.c2lnbmF0dXJlLW9mLXRoZS1icmFuZA'
const authChatConnId = '568046210'
const natalie = { name: 'Natalie', id: 25025413 }
const bob = { name: 'Bob', id: 25025499 }
const pollEveryMs = 2000

/** Polls after the visitor's polling interval passed. */
async function poll(stage: Stage): Promise<void> {
  stage.clock.advance(pollEveryMs)
  await stage.visitor.poll()
}

async function opening(stage: Stage, extra: Readonly<Record<string, unknown>> = {}): Promise<void> {
  await stage.visitor.startChat({ ...chatRequest, ...extra })
  await poll(stage)
  const chat = await stage.server.nextChat()
  chat.accept(natalie)
  await poll(stage)
}

/** Reads the account resource and checks it offers `rel`, as a client navigating by links does. */
async function readAccount(stage: Stage, rel: string): Promise<void> {
  const { document } = await stage.visitor.read(stage.server.accountRoot)
  if (!JSON.stringify(document ?? {}).includes(`"${rel}"`)) throw new Error(`the account resource has no ${rel} link`)
}

/** A few lines each way once Natalie took the chat, then the visitor ends it. */
async function conversation(stage: Stage, visitorLine: string): Promise<void> {
  const live = only(stage)
  await stage.visitor.say(visitorLine)
  live.say('Thanks, I can see your details.')
  await poll(stage)
  live.say('Anything else?')
  await poll(stage)
  await stage.visitor.end()
  await poll(stage)
}

const journeys: Readonly<Record<(typeof journeyFixtureNames)[number], (stage: Stage) => Promise<void>>> = {
  'survey-chat': async (stage) => {
    await readAccount(stage, 'prechat-survey')
    await stage.visitor.read(`${stage.server.accountRoot}/chat/preSurvey?skill=Sales`)
    // The default survey: 40217 (mandatory text) and 40218 (checkbox, two values).
    const survey = { id: 40216, question: [{ id: 40217, answer: 'Visitor' }, { id: 40218, answer: ['billing', 'orders'] }] }
    await opening(stage, { survey })
    await conversation(stage, 'I answered the survey, my question is about billing.')
  },
  'authenticated-chat': async (stage) => {
    await readAccount(stage, 'chat-request')
    const { document } = await stage.visitor.post(`${stage.server.accountRoot}/conversation`, { authChatConnId, ssoKey: brandJwt, engagementId: chatRequest.engagementId })
    const ids = (document?.['conversation'] ?? {}) as Record<string, unknown>
    await opening(stage, { participantId: ids['participantId'], conversationId: ids['conversationId'] })
    await conversation(stage, 'I am signed in, where is my order?')
  },
}

const scenarios: Readonly<Record<FixtureName, (stage: Stage) => Promise<void>>> = {
  ...journeys,
  'plain-chat': async (stage) => {
    await opening(stage)
    const live = only(stage)
    await stage.visitor.setName('Jane Roe')
    await stage.visitor.setTyping(true)
    await stage.visitor.say('Hello, I have a question about my order.')
    live.typing(true)
    await poll(stage)
    live.say('Sure, what is the order number?')
    await poll(stage)
    await stage.visitor.say('It is 12345. Thanks, bye!')
    live.say('Thank you, goodbye!')
    await poll(stage)
    await stage.visitor.end()
    await poll(stage)
  },
  'agent-html': async (stage) => {
    await opening(stage)
    const chat = only(stage)
    chat.say('<div dir="ltr">Hello, <b>welcome</b> &amp; thanks for waiting!</div>', { html: true })
    chat.say('See <a href="https://example.com/help?topic=orders&amp;lang=en" target="_blank">our help page</a>.', { html: true })
    chat.pushUrl('https://example.com/help?topic=orders&lang=en')
    await poll(stage)
    await stage.visitor.say('<script>alert(1)</script> is what I typed')
    await poll(stage)
    await stage.visitor.end()
    await poll(stage)
  },
  transfer: async (stage) => {
    await opening(stage)
    const chat = only(stage)
    chat.say('Let me transfer you to billing.')
    await poll(stage)
    chat.transfer(bob)
    await poll(stage)
    chat.say('Hi, Bob from billing here.')
    await poll(stage)
    await stage.visitor.say('Thanks Bob')
    await stage.visitor.end()
    await poll(stage)
  },
  timeout: async (stage) => {
    await opening(stage)
    await stage.visitor.say('brb')
    await poll(stage)
    // No request reaches the chat for longer than chatTimeout (40 s).
    stage.clock.advance(41_000)
    await stage.visitor.poll()
    await stage.visitor.info()
  },
  'agent-ends': async (stage) => {
    await opening(stage)
    const chat = only(stage)
    chat.say('Is there anything else?')
    await poll(stage)
    await stage.visitor.say('No, thanks.')
    chat.end()
    await poll(stage)
    // Once the ended chat is dropped, every route answers 404 internalCode 12.
    stage.clock.advance(60_000)
    await stage.visitor.poll()
  },
  'visitor-ends': async (stage) => {
    await opening(stage)
    const chat = only(stage)
    chat.say('How can I help?')
    await poll(stage)
    await stage.visitor.requestTranscript('jane.roe@example.com')
    await stage.visitor.say('Never mind, goodbye.')
    await stage.visitor.end()
    await poll(stage)
  },
}

function only(stage: Stage) {
  const chat = stage.server.chats()[0]
  if (chat === undefined) throw new Error('no chat')
  return chat
}

/**
 * Records one scenario against a fresh server (manual clock, fixed seed) and returns it scrubbed,
 * with the loopback origin rewritten to {@link fixtureOrigin} and the headers that vary between
 * runs removed: the same code gives the same fixture, byte for byte.
 */
export async function recordFixture(name: FixtureName, format: WireFormatName): Promise<RecordedInterceptor[]> {
  const clock = createManualClock()
  const server = await startLegacyChatServer({ clock, seed: 20170227, appKey: 'f0e1d2c3b4a5968778695a4b3c2d1e0f', dropEndedChatsAfterMs: 60_000, journey: { ssoKeys: [brandJwt] } })
  try {
    const visitor = new ScriptedVisitor(server.accountRoot, server.appKey, format)
    const { recording } = await recordSession(() => scenarios[name]({ server, clock, visitor }), { appKeys: [server.appKey] })
    return normalize(recording, server.origin)
  } finally {
    await server.close()
  }
}

const varyingHeaders = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'])

function normalize(recording: readonly RecordedInterceptor[], origin: string): RecordedInterceptor[] {
  const host = origin.replace(/^http:\/\//, '')
  const fixedHost = fixtureOrigin.replace(/^https:\/\//, '')
  // Whole origins first, then the host alone (in hrefs broken by the malformedHrefs quirk).
  const rewrite = (text: string): string => text.split(origin).join(fixtureOrigin).split(host).join(fixedHost)
  return recording.map(({ reqheaders: _dropped, ...interceptor }) => {
    const rawHeaders: Record<string, string | string[]> = {}
    for (const [key, value] of Object.entries(interceptor.rawHeaders ?? {})) if (!varyingHeaders.has(key.toLowerCase())) rawHeaders[key] = value
    // Request headers are left out so that replay matches any client's headers.
    return JSON.parse(rewrite(JSON.stringify({ ...interceptor, rawHeaders }))) as RecordedInterceptor
  })
}
