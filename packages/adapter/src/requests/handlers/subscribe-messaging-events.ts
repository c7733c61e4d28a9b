/** `ms.SubscribeMessagingEvents`: a dialog's events from `fromSeq`, replayed after the response, then live. */
import { defer, map } from 'rxjs'
import type { MessagingEventNotification } from '../../messaging-types.js'
import { type RequestHandler, badRequest, ensureReachable, ok } from '../request-handler.js'
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
  const notifications$ = defer(() => context.connection.messagingEvents$(dialogId, { fromSeq })).pipe(
    map((change): MessagingEventNotification => ({ kind: 'notification', type: 'ms.MessagingEventNotification', body: { changes: [change] } })),
  )
  return { ...ok('GenericSubscribeResponse', 'OK'), notifications$, key: `dialog:${dialogId}` }
}
