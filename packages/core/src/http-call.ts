import { request as undiciRequest } from 'undici'
import type { Dispatcher } from 'undici'

/** One HTTP exchange as the transport needs it, whichever client carried it. */
export interface HttpExchange {
  readonly status: number
  header(name: string): string | null
  /** The body, chunk by chunk; stops early when the consumer stops. */
  readonly body: AsyncIterable<Uint8Array>
  /** Drops the rest of the body and frees the connection. */
  discard(): void
}

/** What goes on the wire. */
export interface HttpCallInit {
  readonly url: URL
  readonly method: 'GET' | 'POST'
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
  readonly signal: AbortSignal
  readonly dispatcher: Dispatcher
}

/** Sends one request and resolves when the response head arrived. Redirects are not followed. */
export type HttpCall = (init: HttpCallInit) => Promise<HttpExchange>

/**
 * Global `fetch` with an undici dispatcher. nock sees this path (it patches the global), so
 * recorded fixtures exercise exactly the decoding code that real traffic does.
 */
export const fetchCall: HttpCall = async (init) => {
  // Looked up per call, not at import, so an interceptor installed later is honoured.
  const response = await globalThis.fetch(init.url, {
    method: init.method,
    headers: init.headers,
    body: init.body ?? null,
    signal: init.signal,
    redirect: 'manual',
    // Node's fetch accepts an undici 7 dispatcher; its own typings name an older undici.
    ...({ dispatcher: init.dispatcher } as object),
  })
  const stream = response.body
  return {
    status: response.status,
    header: (name) => response.headers.get(name),
    body: stream ?? emptyBody(),
    discard: () => {
      if (stream !== null && !stream.locked) stream.cancel().catch(() => undefined)
    },
  }
}

/** `undici.request`: fewer layers per call than fetch, invisible to nock. */
export const requestCall: HttpCall = async (init) => {
  const response = await undiciRequest(init.url, {
    method: init.method,
    headers: init.headers,
    body: init.body ?? null,
    signal: init.signal,
    dispatcher: init.dispatcher,
  })
  return {
    status: response.statusCode,
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
