// The journey routes (handleJourneyRoute): pre-chat survey, offline survey, visitor authentication.
import { apiErrors } from './api-error.js'
import type { JourneyState } from './journey.js'
import type { Reply, RouteRequest } from './routes.js'

/** Serves `chat/preSurvey`, `chat/offlineSurvey` and `conversation`; other routes are not its own. */
export function handleJourneyRoute(journey: JourneyState, request: RouteRequest): Reply {
  const allow = (...methods: string[]): void => {
    if (!methods.includes(request.method)) throw apiErrors.methodNotAllowed(request.method)
  }
  switch (request.match.route) {
    case 'pre-survey':
      allow('GET')
      return { status: 200, body: { survey: journey.settings.preChatSurvey } }
    case 'offline-survey':
      allow('GET', 'PUT')
      if (request.method === 'GET') return { status: 200, body: { survey: journey.settings.offlineSurvey } }
      journey.submitOffline(request.body)
      return { status: 200 }
    case 'conversation':
      allow('POST')
      // XML needs one root, so the ids come in a `conversation` element (and, alike, in JSON).
      return { status: 201, body: { conversation: journey.authenticate(request.body) } }
    default:
      throw apiErrors.unknownUri(request.uri)
  }
}
