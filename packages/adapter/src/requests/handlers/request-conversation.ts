/** `cm.ConsumerRequestConversation`: a new legacy chat, through the session's conversation request policy. */
import { type RequestHandler, ok } from '../request-handler.js'
import { conversationRequest, requestBody } from '../request-frame.js'

/** Answers `cm.RequestConversationResponse` `{ conversationId }` once the legacy server created the chat. */
export const requestConversation: RequestHandler = async (request, context) => {
  const { conversationId } = await context.requestConversation(conversationRequest(requestBody(request)))
  return ok('cm.RequestConversationResponse', { conversationId })
}
