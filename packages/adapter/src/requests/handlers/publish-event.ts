/** `ms.PublishEvent`: a line, a typing state or a receipt, sent to the legacy chat as it allows. */
import type { MessagingEvent } from '../../messaging-types.js'
import { type RequestHandler, badRequest, ensureReachable, ok } from '../request-handler.js'
import { dialogIdOf, requestBody } from '../request-frame.js'

/** Answers `ms.PublishEventResponse` `{ sequence }` (0 for events that have none). */
export const publishEvent: RequestHandler = async (request, context) => {
  const body = requestBody(request)
  const dialogId = dialogIdOf(body)
  if (dialogId === undefined) return badRequest('ms.PublishEvent needs body.dialogId')
  const event = body['event']
  if (typeof event !== 'object' || event === null) return badRequest('ms.PublishEvent needs body.event')
  const reaching = ensureReachable(context, dialogId)
  if (reaching !== undefined) await reaching
  const { sequence } = await context.connection.publishEvent(dialogId, event as MessagingEvent)
  return ok('ms.PublishEventResponse', { sequence })
}
