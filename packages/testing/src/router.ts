// Request paths resolved to the server's routes (matchRoute), and the route names.
import type { WireFormatName } from './representation.js'

/** The resources the server knows, named after their link relations. */
export type RouteName =
  | 'account'
  | 'chat-request'
  | 'availability'
  | 'estimated-wait-time'
  | 'available-slots'
  | 'pre-survey'
  | 'offline-survey'
  | 'conversation'
  | 'chat'
  | 'events'
  | 'event'
  | 'info'
  | 'visitor-name'
  | 'visitor-typing'
  | 'agent-typing'
  | 'transcript-request'
  | 'transcript-with-subject-request'
  | 'exit-survey'
  | 'custom-variables'
  | 'unknown'

/** Every route name, for iteration in tests and CLIs. */
export const routeNames: readonly RouteName[] = [
  'account', 'chat-request', 'availability', 'estimated-wait-time', 'available-slots', 'pre-survey', 'offline-survey', 'conversation', 'chat', 'events', 'event', 'info',
  'visitor-name', 'visitor-typing', 'agent-typing', 'transcript-request', 'transcript-with-subject-request', 'exit-survey',
  'custom-variables', 'unknown',
]

/** A request path resolved to a route. */
export interface RouteMatch {
  readonly route: RouteName
  readonly chatId?: string
  readonly eventId?: string
  /** The format asked for by a `.json`/`.xml` suffix on the path, if any. */
  readonly suffixFormat?: WireFormatName
}

const accountRoutes: ReadonlyMap<string, RouteName> = new Map(Object.entries({
  request: 'chat-request',
  availability: 'availability',
  estimatedWaitTime: 'estimated-wait-time',
  availableSlots: 'available-slots',
  preSurvey: 'pre-survey',
  offlineSurvey: 'offline-survey',
} satisfies Record<string, RouteName>))

const chatRoutes: ReadonlyMap<string, RouteName> = new Map(Object.entries({
  events: 'events',
  info: 'info',
  transcriptRequest: 'transcript-request',
  transcriptWithSubjectRequest: 'transcript-with-subject-request',
  exitSurvey: 'exit-survey',
  customVariables: 'custom-variables',
} satisfies Record<string, RouteName>))

const infoRoutes: ReadonlyMap<string, RouteName> = new Map(Object.entries({
  visitorName: 'visitor-name',
  visitorTyping: 'visitor-typing',
  agentTyping: 'agent-typing',
} satisfies Record<string, RouteName>))

/** Resolves `pathname` (no query) under `/api/account/{accountId}`; anything else is `unknown`. */
export function matchRoute(pathname: string, accountId: string): RouteMatch {
  let path = pathname
  let suffixFormat: WireFormatName | undefined
  if (path.endsWith('.json')) {
    suffixFormat = 'json'
    path = path.slice(0, -5)
  } else if (path.endsWith('.xml')) {
    suffixFormat = 'xml'
    path = path.slice(0, -4)
  }
  const match = resolve(path.split('/'), accountId)
  return suffixFormat === undefined ? match : { ...match, suffixFormat }
}

function resolve(segments: readonly string[], accountId: string): RouteMatch {
  // segments[0] is the empty string before the leading slash.
  const [empty, api, account, id, chat, chatId, sub, leaf, extra] = segments
  if (empty !== '' || api !== 'api' || account !== 'account' || id !== accountId) return { route: 'unknown' }
  if (chat === undefined) return { route: 'account' }
  if (chat === 'conversation' && chatId === undefined) return { route: 'conversation' }
  if (chat !== 'chat' || chatId === undefined || chatId === '') return { route: 'unknown' }
  const accountRoute = accountRoutes.get(chatId)
  if (sub === undefined) return accountRoute === undefined ? { route: 'chat', chatId } : { route: accountRoute }
  if (accountRoute !== undefined) return { route: 'unknown' }
  if (extra !== undefined) return { route: 'unknown' }
  if (leaf === undefined) {
    const route = chatRoutes.get(sub)
    return route === undefined ? { route: 'unknown' } : { route, chatId }
  }
  if (sub === 'info') {
    const route = infoRoutes.get(leaf)
    return route === undefined ? { route: 'unknown' } : { route, chatId }
  }
  if (sub === 'events' && /^\d+$/.test(leaf)) return { route: 'event', chatId, eventId: leaf }
  return { route: 'unknown' }
}
