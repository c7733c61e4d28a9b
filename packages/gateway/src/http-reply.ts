// Small HTTP answers: JSON, JSONP with a checked callback name, and JSON errors.
import type { ServerResponse } from 'node:http'

// A JavaScript identifier path such as `cb` or `lpTag.taglets.cb_1`: nothing that can end the call and start a statement.
const callbackName = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/

/** True when `name` may be used as a JSONP callback: an identifier path of at most 128 characters. */
export function isCallbackName(name: string | null): name is string {
  return name !== null && name.length <= 128 && callbackName.test(name)
}

/** Answers `body` as JSON with `status`. */
export function replyJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers })
  res.end(text)
}

/** Answers `callback(body)` as JavaScript (with `status`, default 200); the caller checked `callback` with {@link isCallbackName}. */
export function replyJsonp(res: ServerResponse, callback: string, body: unknown, status = 200, headers: Record<string, string> = {}): void {
  // U+2028/2029 are valid in JSON but ended string literals in older JavaScript engines.
  const json = JSON.stringify(body).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
  res.writeHead(status, {
    'content-type': 'application/javascript; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  })
  res.end(`/**/${callback}(${json});`)
}

/** Answers a JSON error `{ error: { status, message } }`. */
export function replyError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  replyJson(res, status, { error: { status, message } }, headers)
}
