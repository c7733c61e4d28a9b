/** Every request type the legacy transport cannot serve: a 400 that says so, never silence. */
import { type RequestHandler, badRequest } from '../request-handler.js'

/** Answers 400 naming the type. */
export const unsupportedRequest: RequestHandler = (request) =>
  Promise.resolve(badRequest(`request type "${request.type}" is not supported by the legacy chat transport`))
