/** `InitConnection`: names the consumer from its `.ams.headers.ConsumerAuthentication` token(s). */
import { consumerTokensFromHeaders } from '../../consumer-id.js'
import { type RequestHandler, ok } from '../request-handler.js'
import { requestBody } from '../request-frame.js'

/** Answers 200 once the session's identity hook accepted the tokens; the hook refuses by throwing. */
export const initConnection: RequestHandler = async (request, context) => {
  const tokens = [...consumerTokensFromHeaders(request.headers), ...consumerTokensFromHeaders(requestBody(request)['headers'])]
  const found = context.authenticate(tokens)
  const consumerId = typeof found === 'string' || found === undefined ? found : await found
  if (consumerId !== undefined) context.identify(consumerId)
  return ok('GenericResponse', 'OK')
}
