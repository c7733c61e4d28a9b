// The routes' behaviour (handleRoute): what each request does to the server's state, and the reply.
import { apiErrors } from './api-error.js'
import type { ServedChat } from './served-chat.js'
import type { ChatStore } from './chat-store.js'
import type { Clock } from './clock.js'
import { accountBody, chatBody, eventsBody, exitSurveyBody, infoBody } from './documents.js'
import type { JourneyState } from './journey.js'
import { handleJourneyRoute } from './journey-routes.js'
import type { QuirkSwitches } from './quirks.js'
import type { RouteMatch } from './router.js'

/** What the availability routes answer. */
export interface Availability {
  /** `availability`: whether an agent is online. Default `true`. */
  readonly available: boolean
  /** `estimatedWaitTime` in seconds (0 = now, -1 = no agents, -2 = too little data). Default 0. */
  readonly estimatedWaitTime: number
  /** `availableSlots` (-1 = unlimited). Default -1. */
  readonly availableSlots: number
}

/** What a route produces; the server serialises it. */
export interface Reply {
  readonly status: number
  readonly body?: Record<string, unknown>
  readonly headers?: Readonly<Record<string, string>>
}

/** The server's state the routes read and change. */
export interface RouteState {
  readonly store: ChatStore
  readonly clock: Clock
  readonly accountRoot: string
  readonly quirks: () => QuirkSwitches
  readonly availability: () => Availability
  /** Surveys and authentications. */
  readonly journey: JourneyState
  /** `chatTimeout` in seconds for a chat request without `interactionTimeout`. */
  readonly defaultChatTimeoutS: number
}

/** A request as the routes see it: effective method (after `X-HTTP-Method-Override`), route, query and parsed body. */
export interface RouteRequest {
  readonly method: string
  /** The request's path and query, as sent (for error messages). */
  readonly uri: string
  readonly match: RouteMatch
  readonly query: URLSearchParams
  readonly body: unknown
}

const ok = (body?: Record<string, unknown>): Reply => (body === undefined ? { status: 200 } : { status: 200, body })

function allow(request: RouteRequest, ...methods: string[]): void {
  if (!methods.includes(request.method)) throw apiErrors.methodNotAllowed(request.method)
}

/** Applies a request to the server state; throws {@link ApiError} for the service's error answers. */
export function handleRoute(state: RouteState, request: RouteRequest): Reply {
  const { match } = request
  switch (match.route) {
    case 'account':
      allow(request, 'GET')
      if (!state.quirks().accountResource) throw apiErrors.unknownUri(request.uri)
      return ok({ account: accountBody(state.accountRoot) })
    case 'pre-survey':
    case 'offline-survey':
    case 'conversation':
      return handleJourneyRoute(state.journey, request)
    case 'chat-request':
      allow(request, 'POST')
      return startChat(state, request.body)
    case 'availability':
      allow(request, 'GET')
      return ok({ availability: availability(state.availability(), request.query) })
    case 'estimated-wait-time':
      allow(request, 'GET')
      return ok({ estimatedWaitTime: state.availability().estimatedWaitTime })
    case 'available-slots':
      allow(request, 'GET')
      return ok({ availableSlots: state.availability().availableSlots })
    case 'unknown':
      throw apiErrors.unknownUri(request.uri)
    default:
      return handleChatRoute(state, request, reachChat(state, match.chatId ?? ''))
  }
}

/** Finds the chat, applies an overdue timeout, and records that a request reached it. */
function reachChat(state: RouteState, chatId: string): ServedChat {
  const chat = state.store.get(chatId)
  if (chat === undefined) throw apiErrors.chatNotFound()
  state.store.expireIfIdle(chat)
  chat.lastUpdate = state.clock.now()
  return chat
}

function handleChatRoute(state: RouteState, request: RouteRequest, chat: ServedChat): Reply {
  const { match, method, body } = request
  switch (match.route) {
    case 'chat': {
      allow(request, 'GET')
      const reply = ok({ chat: chatBody(chat, fromParameter(request.query), state.clock.now(), state.quirks()) })
      chat.recordPoll()
      return reply
    }
    case 'events': {
      allow(request, 'GET', 'POST')
      if (method === 'POST') return addEvent(chat, body)
      const reply = ok({ events: eventsBody(chat, fromParameter(request.query)) })
      chat.recordPoll()
      return reply
    }
    case 'event': {
      allow(request, 'GET')
      const event = chat.events[Number(match.eventId)]
      if (event === undefined) throw apiErrors.unknownUri(request.uri)
      return ok({ event })
    }
    case 'info':
      allow(request, 'GET')
      return ok({ info: infoBody(chat, state.clock.now(), state.quirks()) })
    case 'visitor-name':
      allow(request, 'GET', 'PUT')
      if (method === 'GET') return ok({ visitorName: chat.visitorName })
      chat.visitorName = requiredString(body, 'visitorName')
      // The reference documents 201 for this PUT (and 200 for the typing one).
      return { status: 201 }
    case 'visitor-typing': {
      allow(request, 'GET', 'PUT')
      if (method === 'GET') return ok({ visitorTyping: chat.visitorTyping })
      const value = requiredString(body, 'visitorTyping')
      if (value !== 'typing' && value !== 'not-typing') throw apiErrors.badParameter('visitorTyping must be typing or not-typing')
      if (chat.state === 'ended') throw apiErrors.typingOnEndedChat()
      chat.visitorTyping = value
      return ok()
    }
    case 'agent-typing':
      allow(request, 'GET')
      return ok({ agentTyping: chat.agentTyping })
    case 'transcript-request':
    case 'transcript-with-subject-request': {
      allow(request, 'PUT')
      const email = requiredString(body, 'email')
      if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw apiErrors.badParameter('email is not an email address')
      chat.transcriptRequests.push(isRecord(body) && 'email' in body ? body : fields(body))
      return ok()
    }
    case 'exit-survey':
      allow(request, 'GET', 'PUT')
      if (method === 'GET') return ok({ survey: exitSurveyBody })
      if (!isRecord(body) || !isRecord(body['survey'])) throw apiErrors.badParameter('body must be {"survey":{...}}')
      chat.surveyAnswers.push(body['survey'])
      return ok()
    case 'custom-variables':
      allow(request, 'PUT')
      chat.customVariables.push(body)
      return ok()
    default:
      throw apiErrors.unknownUri(request.uri)
  }
}

function startChat(state: RouteState, body: unknown): Reply {
  const request = isRecord(body) && isRecord(body['request']) ? body['request'] : isRecord(body) ? body : {}
  state.journey.checkChatRequest(request)
  let timeout = state.defaultChatTimeoutS
  const requested = request['interactionTimeout']
  if (requested !== undefined) {
    timeout = Number(requested)
    if (!Number.isInteger(timeout) || timeout <= 0) throw apiErrors.badParameter('interactionTimeout must be a positive number of seconds')
  }
  const skill = request['skill']
  const chat = state.store.create(request, timeout, typeof skill === 'string' ? skillId(skill) : 0)
  return { status: 201, headers: { location: chat.uri } }
}

function addEvent(chat: ServedChat, body: unknown): Reply {
  // Several events come as an `event` array, or (the only way in XML, which has one root) in an `events` wrapper.
  const holder = isRecord(body) && isRecord(body['events']) ? body['events'] : body
  if (!isRecord(holder) || !('event' in holder)) throw apiErrors.badEvent('body must be {"event":{...}}')
  const event = holder['event']
  if (Array.isArray(event) || holder !== body) throw apiErrors.oneEventPerPost()
  if (!isRecord(event)) throw apiErrors.badEvent('event must be an object')
  const type = event['@type'] ?? event['type']
  if (type === 'line') {
    const text = event['text']
    if (typeof text !== 'string') throw apiErrors.badEvent('a line needs a text')
    if (chat.state !== 'chatting') throw apiErrors.notInChat()
    return created(chat, chat.visitorLine(text)['@id'])
  }
  if (type === 'state') {
    if (event['state'] !== 'ended') throw apiErrors.badEvent('the visitor can only set the state to ended')
    if (chat.state === 'ended') throw apiErrors.alreadyEnded()
    return created(chat, chat.finish('visitor')['@id'])
  }
  throw apiErrors.badEvent(`unsupported event type ${JSON.stringify(type)}`)
}

const created = (chat: ServedChat, eventId: string): Reply => ({ status: 201, headers: { location: `${chat.uri}/events/${eventId}` } })

function availability(settings: Availability, query: URLSearchParams): boolean {
  const agent = query.get('agent')
  const maxWaitTime = query.get('maxWaitTime')
  if (agent !== null && (query.has('skill') || query.has('serviceQueue') || maxWaitTime !== null)) {
    throw apiErrors.badParameter('agent cannot be combined with skill, serviceQueue or maxWaitTime')
  }
  if (query.has('serviceQueue') && maxWaitTime === null) throw apiErrors.badParameter('serviceQueue needs maxWaitTime')
  if (maxWaitTime !== null) {
    const seconds = Number(maxWaitTime)
    if (!/^\d+$/.test(maxWaitTime) || seconds > 86400) throw apiErrors.badParameter('maxWaitTime must be 0-86400')
    // With maxWaitTime=0 the answer is whether an agent can take a chat now.
    if (seconds === 0) return settings.available && settings.availableSlots !== 0
  }
  return settings.available
}

function fromParameter(query: URLSearchParams): number {
  const from = query.get('from')
  if (from === null) return 0
  if (!/^\d+$/.test(from)) throw apiErrors.badParameter('from must be a non-negative integer')
  return Number(from)
}

/** A multi-field body has no single root in XML, so it comes wrapped (`<transcriptRequest><email>…`): look inside a lone root. */
function fields(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) return {}
  const keys = Object.keys(body)
  const only = keys.length === 1 && keys[0] !== undefined ? body[keys[0]] : undefined
  return isRecord(only) ? only : body
}

function requiredString(body: unknown, key: string): string {
  const value = isRecord(body) && key in body ? body[key] : fields(body)[key]
  if (typeof value !== 'string') throw apiErrors.badParameter(`body must be {"${key}":"..."}`)
  return value
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A stable numeric id for a skill name, so `info.skillId` does not change between runs. */
function skillId(name: string): number {
  let hash = 25975313
  for (let i = 0; i < name.length; i++) hash = (Math.imul(hash, 31) + name.charCodeAt(i)) >>> 0
  return hash % 100_000_000
}
