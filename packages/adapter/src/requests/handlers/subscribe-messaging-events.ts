/** `ms.SubscribeMessagingEvents`: a dialog's events from `fromSeq`, replayed after the response, then live. */
import { type NotificationObserver, type RequestHandler, badRequest, ensureReachable, ok } from '../request-handler.js'
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
  // The session's observer itself on the connection's watch: an RxJS subscription (let alone an operator chain) cost
  // subscribers, closures and finalizer arrays, held as long as the dialog is watched.
  const notifications = (observer: NotificationObserver) => context.connection.watchMessagingEvents(dialogId, fromSeq, observer)
  // Keyed by the connection's own copy of the id when it has the dialog: the request's copy (80 bytes) would live as long as the stream.
  return { ...ok('GenericSubscribeResponse', 'OK'), notifications, key: `dialog:${context.connection.knownConversationId(dialogId)}` }
}
