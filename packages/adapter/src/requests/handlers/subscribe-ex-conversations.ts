/** `cqm.SubscribeExConversations`: the consumer's conversations, listed once, then their changes. */
import type { Unsubscribable } from 'rxjs'
import type { ExConversationChange, ExConversationChangeNotification } from '../../messaging-types.js'
import { type NotificationObserver, type RequestContext, type RequestHandler, ok } from '../request-handler.js'
import { requestBody } from '../request-frame.js'
import { cqmKey } from '../subscription-ids.js'

/** Answers `{ subscriptionId }`; the first notification lists the matching conversations (maybe none). */
export const subscribeExConversations: RequestHandler = (request, context) => {
  const body = requestBody(request)
  const subscriptionId = context.nextSubscriptionId()
  const states = Array.isArray(body['convState']) ? (body['convState'] as unknown[]) : undefined
  const minTime = typeof body['minLastUpdatedTime'] === 'number' ? body['minLastUpdatedTime'] : undefined
  return Promise.resolve({
    ...ok('cqm.SubscribeExConversationsResponse', { subscriptionId }),
    notifications: (observer: NotificationObserver) => listConversations(context, observer, subscriptionId, states, minTime),
    key: cqmKey(subscriptionId),
  })
}

function listConversations(
  context: RequestContext,
  observer: NotificationObserver,
  subscriptionId: string,
  states: readonly unknown[] | undefined,
  minTime: number | undefined,
): Unsubscribable {
  // What the stream replays while subscribing is the existing conversations: they make the first
  // notification (filtered by convState; possibly empty). Later changes go out as they come,
  // unfiltered, so a client watching OPEN conversations still hears them close.
  const listing = new Listing(observer, subscriptionId)
  const subscription = context.connection.watchConversations(listing)
  const listed = listing.listed().filter(
    (change) => (states === undefined || states.includes(change.result.conversationDetails.state)) && (minTime === undefined || change.result.lastUpdateTime >= minTime),
  )
  observer.notify(notification(subscriptionId, listed))
  return subscription
}

/** Collects the changes replayed while subscribing, then sends each later one as it comes (an object, not closures held per socket). */
class Listing {
  readonly #observer: NotificationObserver
  readonly #subscriptionId: string
  #existing: ExConversationChange[] | undefined = []

  constructor(observer: NotificationObserver, subscriptionId: string) {
    this.#observer = observer
    this.#subscriptionId = subscriptionId
  }

  /** The changes replayed so far; from now on each change is sent on its own. */
  listed(): ExConversationChange[] {
    const existing = this.#existing ?? []
    this.#existing = undefined
    return existing
  }

  next(change: ExConversationChange): void {
    if (this.#existing !== undefined) this.#existing.push(change)
    else this.#observer.notify(notification(this.#subscriptionId, [change]))
  }

  error(error: unknown): void {
    this.#observer.error(error)
  }

  complete(): void {}
}

function notification(subscriptionId: string, changes: readonly ExConversationChange[]): ExConversationChangeNotification {
  return { kind: 'notification', type: 'cqm.ExConversationChangeNotification', body: { subscriptionId, changes } }
}
