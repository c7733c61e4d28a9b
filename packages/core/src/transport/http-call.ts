/**
 * The innermost handler of the transport: one HTTP exchange on the wire, through `undici.request`
 * or global `fetch`, with an undici dispatcher. Redirects are not followed here (a layer does that).
 */
import { request as undiciRequest } from 'undici'
import type { Dispatcher } from 'undici'
import type { Handler } from './handler.js'

/** How requests go out: `undici.request` or global `fetch`. */
export type HttpCallKind = 'fetch' | 'request'

/** The handler that sends requests through `dispatcher` on the `kind` path. */
export function httpCall(kind: HttpCallKind, dispatcher: Dispatcher): Handler {
  return kind === 'request' ? (request) => requestCall(request, dispatcher) : (request) => fetchCall(request, dispatcher)
}

/**
 * Global `fetch` with an undici dispatcher. nock sees this path (it patches the global), so
 * recorded fixtures exercise exactly the decoding code that real traffic does.
 */
const fetchCall = async (init: Parameters<Handler>[0], dispatcher: Dispatcher): ReturnType<Handler> => {
  // Looked up per call, not at import, so an interceptor installed later is honoured.
  const response = await globalThis.fetch(init.url, {
    method: init.method,
    headers: init.headers,
    body: init.body ?? null,
    signal: init.signal ?? null,
    redirect: 'manual',
    // Node's fetch accepts an undici 7 dispatcher; its own typings name an older undici.
    ...({ dispatcher } as object),
  })
  const stream = response.body
  return {
    status: response.status,
    url: init.url,
    header: (name) => response.headers.get(name),
    body: stream ?? emptyBody(),
    discard: () => {
      if (stream !== null && !stream.locked) stream.cancel().catch(() => undefined)
    },
  }
}

/** `undici.request`: fewer layers per call than fetch, invisible to nock. */
const requestCall = async (init: Parameters<Handler>[0], dispatcher: Dispatcher): ReturnType<Handler> => {
  const response = await undiciRequest(init.url, {
    method: init.method,
    headers: init.headers,
    body: init.body ?? null,
    signal: init.signal,
    dispatcher,
  })
  return {
    status: response.statusCode,
    url: init.url,
    header: (name) => {
      const value = response.headers[name.toLowerCase()]
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
    },
    body: response.body,
    discard: () => {
      // undici reports a destroyed body as an 'error' event; nobody is reading it any more.
      response.body.on('error', () => undefined)
      response.body.destroy()
    },
  }
}

async function* emptyBody(): AsyncIterable<Uint8Array> {}
