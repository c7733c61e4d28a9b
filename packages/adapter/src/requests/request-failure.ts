/**
 * How a failed request is answered: the response code and body of anything a handler or hook threw,
 * and errors made fit for a sink. The one place that maps failures to responses.
 */
import { AdapterError, type AdapterErrorCode } from '../adapter-error.js'
import { errorFacts } from '../legacy-contract.js'
import { RequestRefusedError } from './request-refused-error.js'

/**
 * The response code for a failed request: a {@link RequestRefusedError}'s status, 400 for refused
 * requests, 404 for a conversation out of reach, the legacy 4xx, else 500.
 */
export function statusOf(error: unknown): number {
  if (error instanceof RequestRefusedError) return error.status
  if (error instanceof AdapterError) {
    if (error.code === 'E_BAD_REQUEST' || error.code === 'E_NOT_SENT' || error.code === 'E_CLOSED') return 400
    if (error.code === 'E_UNKNOWN_CONVERSATION') return 404
    const status = errorFacts(error.cause).status
    if (status !== undefined && status >= 400 && status < 500) return status
  }
  return 500
}

/** A failure's message for a response body; core and adapter messages never hold the app key. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'internal error'
}

/** The response body for a failed request: a refusal's own body, else the message. */
export function bodyOf(error: unknown): unknown {
  return error instanceof RequestRefusedError ? error.body : messageOf(error)
}

/** `error` when it is an `Error`; anything else thrown, wrapped as an `AdapterError` with `code`. */
export function asError(error: unknown, code: AdapterErrorCode, what: string): Error {
  return error instanceof Error ? error : new AdapterError(code, `${what}: ${String(error)}`, { cause: error })
}
