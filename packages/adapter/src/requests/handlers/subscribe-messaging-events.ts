/** `ms.SubscribeMessagingEvents`: a dialog's events from `fromSeq`, replayed after the response, then live. */
import { Observable, type Subscriber, type Subscription } from 'rxjs'
import type { MessagingEventChange, MessagingEventNotification } from '../../messaging-types.js'
import { type RequestContext, type RequestHandler, badRequest, ensureReachable, ok } from '../request-handler.js'
import { dialogIdOf, requestBody } from '../request-frame.js'

/** Answers `GenericSubscribeResponse`; a second subscription to the same dialog replaces the first. */
export const subscribeMessagingEvents: RequestHandler = async (request, context) => {
  const body = requestBody(request)
  const dialogId = dialogIdOf(body)
  if (dialogId === undefined) return badRequest('ms.SubscribeMessagingEvents needs body.dialogId')
  const fromSeq = Number(body['fromSeq'] ?? 0)
  if (!Number.isInteger(fromSeq) || fromSeq < 0) return badRequest('ms.SubscribeMessagingEvents fromSeq must be a non-negative integer')
  const reaching = ensureReachable(context, dialogId)
  if (reaching !== undefined) await reaching
  const notifications$ = new Observable<MessagingEventNotification>((subscriber) => subscribeDialog(context, dialogId, fromSeq, subscriber))
  return { ...ok('GenericSubscribeResponse', 'OK'), notifications$, key: `dialog:${dialogId}` }
}

// A plain subscriber in place of `defer(...).pipe(map(...))`: the operator chain cost a dozen closures and subscribers per subscription.
function subscribeDialog(context: RequestContext, dialogId: string, fromSeq: number, subscriber: Subscriber<MessagingEventNotification>): Subscription {
  return context.connection.messagingEvents$(dialogId, { fromSeq }).subscribe(new Notifying(subscriber))
}

/** Each change as its own notification. */
class Notifying {
  readonly #subscriber: Subscriber<MessagingEventNotification>

  constructor(subscriber: Subscriber<MessagingEventNotification>) {
    this.#subscriber = subscriber
  }

  next(change: MessagingEventChange): void {
    this.#subscriber.next({ kind: 'notification', type: 'ms.MessagingEventNotification', body: { changes: [change] } })
  }

  error(error: unknown): void {
    this.#subscriber.error(error)
  }

  complete(): void {
    this.#subscriber.complete()
  }
}
