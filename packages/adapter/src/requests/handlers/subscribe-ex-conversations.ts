/** `cqm.SubscribeExConversations`: the consumer's conversations, listed once, then their changes. */
import { Observable } from 'rxjs'
import type { ExConversationChange, ExConversationChangeNotification } from '../../messaging-types.js'
import { type RequestContext, type RequestHandler, ok } from '../request-handler.js'
import { requestBody } from '../request-frame.js'

/** The session's key of a `cqm` subscription, shared with `cqm.UnsubscribeExConversations`. */
export function cqmKey(subscriptionId: string): string {
  return `cqm:${subscriptionId}`
}

/** Answers `{ subscriptionId }`; the first notification lists the matching conversations (maybe none). */
export const subscribeExConversations: RequestHandler = (request, context) => {
  const body = requestBody(request)
  const subscriptionId = context.nextSubscriptionId()
  const states = Array.isArray(body['convState']) ? (body['convState'] as unknown[]) : undefined
  const minTime = typeof body['minLastUpdatedTime'] === 'number' ? body['minLastUpdatedTime'] : undefined
  return Promise.resolve({
    ...ok('cqm.SubscribeExConversationsResponse', { subscriptionId }),
    notifications$: conversationNotifications$(context, subscriptionId, states, minTime),
    key: cqmKey(subscriptionId),
  })
}

function conversationNotifications$(
  context: RequestContext,
  subscriptionId: string,
  states: readonly unknown[] | undefined,
  minTime: number | undefined,
): Observable<ExConversationChangeNotification> {
  return new Observable((subscriber) => {
    // What the stream replays while subscribing is the existing conversations: they make the first
    // notification (filtered by convState; possibly empty). Later changes go out as they come,
    // unfiltered, so a client watching OPEN conversations still hears them close.
    const existing: ExConversationChange[] = []
    let initial = true
    const subscription = context.connection.conversations$().subscribe((change) => {
      if (initial) existing.push(change)
      else subscriber.next(notification(subscriptionId, [change]))
    })
    initial = false
    const listed = existing.filter(
      (change) =>
        (states === undefined || states.includes(change.result.conversationDetails.state)) && (minTime === undefined || change.result.lastUpdateTime >= minTime),
    )
    subscriber.next(notification(subscriptionId, listed))
    return subscription
  })
}

function notification(subscriptionId: string, changes: readonly ExConversationChange[]): ExConversationChangeNotification {
  return { kind: 'notification', type: 'cqm.ExConversationChangeNotification', body: { subscriptionId, changes } }
}
