/**
 * The secret-scrubbing layer, outermost: whatever a failure's message or stack picked up on the
 * way (a server echoing the key, a URI with the key in it), the app key leaves as `[REDACTED]`.
 */
import { scrubSecret } from '../redact.js'
import type { Layer } from './handler.js'

/** Removes `secret` from an error's message and stack, in place, and returns it. */
export function scrubError(error: unknown, secret: string): unknown {
  if (secret === '' || !(error instanceof Error)) return error
  if (error.message.includes(secret)) error.message = scrubSecret(error.message, secret)
  if (error.stack !== undefined) error.stack = scrubSecret(error.stack, secret)
  return error
}

/** Scrubs `secret` from every failure of the handler it wraps. */
export function scrubSecrets<Req, Res>(secret: string): Layer<Req, Res> {
  return (next) => async (request) => {
    try {
      return await next(request)
    } catch (error) {
      throw scrubError(error, secret)
    }
  }
}
