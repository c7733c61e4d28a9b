/** `GetClock`: the local clock (the legacy side has no clock call); browsers' keep-alive. */
import { type RequestHandler, ok } from '../request-handler.js'

/** Answers `GetClockResponse` `{ currentTime }` in epoch milliseconds. */
export const getClock: RequestHandler = (_request, context) => Promise.resolve(ok('GetClockResponse', { currentTime: context.now() }))
