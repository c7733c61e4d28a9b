/** `userprofile.SetUserProfile`: the legacy chat keeps only a visitor name (`firstName lastName`). */
import { type RequestHandler, ok } from '../request-handler.js'
import { optionalString, requestBody } from '../request-frame.js'

/** Sets the visitor name on the consumer's chats, open and future. */
export const setUserProfile: RequestHandler = async (request, context) => {
  const body = requestBody(request)
  await context.connection.setUserProfile({ ...optionalString('firstName', body['firstName']), ...optionalString('lastName', body['lastName']) })
  return ok('GenericResponse', 'OK')
}
