/**
 * The error mapping of HTTP answers: a non-success status becomes an `HttpError` carrying the
 * legacy error body's `internalCode` and message, or a `ChatGoneError` for 404 internalCode 12.
 */
import { ChatGoneError, HttpError } from '../errors.js'
import { LegacyInternalCode } from '../legacy-internal-code.js'
import { isRecord } from '../lenient-codecs.js'
import { redactUri } from '../redact.js'

/** What of a response the mapping reads. */
export interface HttpAnswer {
  readonly status: number
  readonly url: URL
  header(name: string): string | null
}

/** The typed error for a non-success answer; `document` is its parsed body, if it parsed. */
export function httpError(answer: HttpAnswer, method: string, document: unknown): HttpError {
  const body = isRecord(document) && isRecord(document['error']) ? document['error'] : {}
  const internal = Number(body['internalCode'])
  const init = {
    status: answer.status,
    internalCode: Number.isFinite(internal) && body['internalCode'] !== undefined ? internal : undefined,
    serverMessage: typeof body['message'] === 'string' ? body['message'] : undefined,
    method,
    uri: redactUri(answer.url),
    retryAfterMs: retryAfterMs(answer.header('retry-after')),
  }
  return init.status === 404 && init.internalCode === LegacyInternalCode.ChatNotFound ? new ChatGoneError(init) : new HttpError(init)
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function retryAfterMs(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
