/** `cqm.UnsubscribeExConversations`: ends one `cqm` subscription of this session. */
import { type RequestHandler, ok } from '../request-handler.js'
import { requestBody } from '../request-frame.js'
import { cqmKey } from '../subscription-ids.js'

/** Answers 200, whether or not the subscription id was known. */
export const unsubscribeExConversations: RequestHandler = (request, context) => {
  context.unsubscribe(cqmKey(String(requestBody(request)['subscriptionId'])))
  return Promise.resolve(ok('GenericResponse', 'OK'))
}
