/**
 * The shape every transport layer shares: a handler sends one request and resolves with the
 * response; a layer wraps a handler in another (undici's interceptor style, over a plain function
 * so the same chain runs on the `request` and the `fetch` path, nock included).
 */

/** One HTTP request as the layers see it; each layer may return a changed copy. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST'
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
  /** The caller's signal; the timeout layer replaces it with one that also fires on timeout. */
  readonly signal?: AbortSignal | undefined
  /** This request's timeout in milliseconds, overriding the transport's. */
  readonly timeoutMs?: number | undefined
  /** The resource whose link led here, for error messages. */
  readonly via?: URL | undefined
}

/** One HTTP response, its body not read yet. */
export interface HttpResponse {
  readonly status: number
  /** The URI that answered (after the layers below changed it, e.g. with `v=1`). */
  readonly url: URL
  header(name: string): string | null
  /** The body, chunk by chunk; stops early when the consumer stops. */
  readonly body: AsyncIterable<Uint8Array>
  /** Drops the rest of the body and frees the connection. */
  discard(): void
}

/** Sends a request and resolves when the response head arrived. */
export type Handler<Req = HttpRequest, Res = HttpResponse> = (request: Req) => Promise<Res>

/** Wraps a handler: may change the request, the response, or the failure. */
export type Layer<Req = HttpRequest, Res = HttpResponse> = (next: Handler<Req, Res>) => Handler<Req, Res>

/** Composes layers over a handler, the first layer outermost (it sees the request first). */
export function compose<Req, Res>(handler: Handler<Req, Res>, ...layers: readonly Layer<Req, Res>[]): Handler<Req, Res> {
  return layers.reduceRight<Handler<Req, Res>>((next, layer) => layer(next), handler)
}

/** A response whose body is watched: `onError` maps a failure while reading, `onEnd` runs once reading stops. */
export function watchBody(response: HttpResponse, watch: { onError?: (error: unknown) => unknown; onEnd?: () => void }): HttpResponse {
  const end = watch.onEnd ?? ((): void => undefined)
  return {
    status: response.status,
    url: response.url,
    header: (name) => response.header(name),
    discard: () => {
      end()
      response.discard()
    },
    body: {
      async *[Symbol.asyncIterator]() {
        try {
          for await (const chunk of response.body) yield chunk
        } catch (error) {
          throw watch.onError === undefined ? error : watch.onError(error)
        } finally {
          end()
        }
      },
    },
  }
}

/** A copy of a response with another URL or headers; the body is shared. */
export function withResponse(response: HttpResponse, change: { readonly header?: (name: string) => string | null }): HttpResponse {
  return {
    status: response.status,
    url: response.url,
    header: change.header ?? ((name) => response.header(name)),
    body: response.body,
    discard: () => response.discard(),
  }
}
