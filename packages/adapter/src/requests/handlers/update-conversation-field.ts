/** `cm.UpdateConversationField`: closing the conversation, the one field legacy chat can change. */
import type { ConversationField } from '../../messaging-types.js'
import { type RequestHandler, badRequest, ensureReachable, ok } from '../request-handler.js'
import { requestBody } from '../request-frame.js'

/** Answers 200 once the chat is ended; fields with no legacy equivalent get 400. */
export const updateConversationField: RequestHandler = async (request, context) => {
  const body = requestBody(request)
  const conversationId = body['conversationId']
  if (typeof conversationId !== 'string' || conversationId === '') return badRequest('cm.UpdateConversationField needs body.conversationId')
  const field = body['conversationField']
  if (typeof field !== 'object' || field === null) return badRequest('cm.UpdateConversationField needs body.conversationField')
  const reaching = ensureReachable(context, conversationId)
  if (reaching !== undefined) await reaching
  await context.connection.updateConversationField(conversationId, field as ConversationField | readonly ConversationField[])
  return ok('GenericResponse', 'OK')
}
