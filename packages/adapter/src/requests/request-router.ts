/**
 * The request router: which handler answers which Messaging request type (messaging-model.md §1).
 * A type missing here is answered by {@link unsupportedRequest}.
 */
import type { RequestFrame } from '../messaging-types.js'
import { getClock } from './handlers/get-clock.js'
import { initConnection } from './handlers/init-connection.js'
import { publishEvent } from './handlers/publish-event.js'
import { requestConversation } from './handlers/request-conversation.js'
import { setUserProfile } from './handlers/set-user-profile.js'
import { subscribeExConversations } from './handlers/subscribe-ex-conversations.js'
import { subscribeMessagingEvents } from './handlers/subscribe-messaging-events.js'
import { unsubscribeExConversations } from './handlers/unsubscribe-ex-conversations.js'
import { unsupportedRequest } from './handlers/unsupported-request.js'
import { updateConversationField } from './handlers/update-conversation-field.js'
import type { RequestContext, RequestHandler, RequestOutcome } from './request-handler.js'

const handlers: ReadonlyMap<string, RequestHandler> = new Map([
  ['InitConnection', initConnection],
  ['GetClock', getClock],
  ['userprofile.SetUserProfile', setUserProfile],
  ['cm.ConsumerRequestConversation', requestConversation],
  ['cqm.SubscribeExConversations', subscribeExConversations],
  ['cqm.UnsubscribeExConversations', unsubscribeExConversations],
  ['ms.SubscribeMessagingEvents', subscribeMessagingEvents],
  ['ms.PublishEvent', publishEvent],
  ['cm.UpdateConversationField', updateConversationField],
])

/** Answers one request with the handler of its type. */
export function routeRequest(request: RequestFrame, context: RequestContext): Promise<RequestOutcome> {
  return (handlers.get(request.type) ?? unsupportedRequest)(request, context)
}
