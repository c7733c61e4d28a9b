/**
 * The innermost handler of the transport: one HTTP exchange on the wire, through `undici.request`
 * or global `fetch`, with an undici dispatcher. Redirects are not followed here (a layer does that).
 */
import { request as undiciRequest } from 'undici'
import type { Dispatcher } from 'undici'
import type { AbortSignalLike, Handler, HttpRequest } from './handler.js'
import { readChunks, readDeclared } from './read-body.js'

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
const fetchCall = async (init: HttpRequest, dispatcher: Dispatcher): ReturnType<Handler> => {
  // Looked up per call, not at import, so an interceptor installed later is honoured.
  const response = await globalThis.fetch(init.url, {
    method: init.method,
    headers: init.headers,
    body: init.body ?? null,
    signal: init.signal === undefined ? null : abortSignalOf(init.signal),
    redirect: 'manual',
    // Node's fetch accepts an undici 7 dispatcher; its own typings name an older undici.
    ...({ dispatcher } as object),
  })
  const stream = response.body
  const discard = (): void => {
    if (stream !== null && !stream.locked) stream.cancel().catch(() => undefined)
  }
  return {
    status: response.status,
    url: init.url,
    header: (name) => response.headers.get(name),
    // fetch may decompress, so its Content-Length says nothing of the bytes read: always chunk by chunk.
    read: async (limitBytes) => (stream === null ? new Uint8Array(0) : readChunks(stream, limitBytes)),
    discard,
  }
}

/** `undici.request`: fewer layers per call than fetch, invisible to nock. */
const requestCall = async (init: HttpRequest, dispatcher: Dispatcher): ReturnType<Handler> => {
  const response = await undiciRequest(init.url, {
    method: init.method,
    headers: init.headers,
    body: init.body ?? null,
    // undici only reads `aborted`/`reason` and adds/removes an 'abort' listener: a lighter signal will do.
    signal: init.signal as AbortSignal | undefined,
    dispatcher,
  })
  const { headers, body } = response
  return {
    status: response.statusCode,
    url: init.url,
    header: (name) => {
      const value = headers[name.toLowerCase()]
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
    },
    read: (limitBytes) => readDeclared(body, Number(headers['content-length'] ?? Number.NaN), limitBytes),
    discard: () => {
      // undici reports a destroyed body as an 'error' event; nobody is reading it any more.
      body.on('error', () => undefined)
      body.destroy()
    },
  }
}

// fetch wants a real AbortSignal; the timeout layer's lighter one is bridged to one here.
function abortSignalOf(signal: AbortSignalLike): AbortSignal {
  if (signal instanceof AbortSignal) return signal
  const controller = new AbortController()
  if (signal.aborted) controller.abort(signal.reason)
  else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true })
  return controller.signal
}
