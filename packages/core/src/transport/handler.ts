/**
 * The shape every transport layer shares: a handler sends one request and resolves with the
 * response; a layer wraps a handler in another (undici's interceptor style, over a plain function
 * so the same chain runs on the `request` and the `fetch` path, nock included).
 */

/**
 * What of an `AbortSignal` a request needs. An `AbortSignal` is one; the timeout layer passes a
 * lighter one of its own down (an `AbortController` per request costs more than the rest of the layer).
 */
export interface AbortSignalLike {
  readonly aborted: boolean
  readonly reason: unknown
  addEventListener(type: 'abort', listener: AbortListener, options?: { readonly once?: boolean }): void
  removeEventListener(type: 'abort', listener: AbortListener): void
}

/** A listener of an {@link AbortSignalLike}: a function or, as for any `EventTarget`, an object with `handleEvent`. */
export type AbortListener = (() => void) | { handleEvent(): void }

/** One HTTP request as the layers see it; each layer may return a changed copy. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST'
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
  /** The caller's signal; the timeout layer replaces it with one that also fires on timeout. */
  readonly signal?: AbortSignalLike | undefined
  /** This request's timeout in milliseconds, overriding the transport's. */
  readonly timeoutMs?: number | undefined
  /** The resource whose link led here, for error messages. */
  readonly via?: URL | string | undefined
}

/** One HTTP response, its body not read yet. */
export interface HttpResponse {
  readonly status: number
  /** The URI that answered (after the layers below changed it, e.g. with `v=1`). */
  readonly url: URL
  header(name: string): string | null
  /**
   * Reads the whole body, once. Resolves `undefined` as soon as more than `limitBytes` arrived,
   * the rest dropped, so nothing buffers more than the limit.
   */
  read(limitBytes: number): Promise<Uint8Array | undefined>
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

/** What a layer watching a body does: map a failure while reading, and run once reading stopped. */
export interface BodyWatch {
  failure(error: unknown): unknown
  end(): void
}

/** A response whose body is watched: `watch.failure` maps a failure while reading, `watch.end` runs once reading stops. */
export function watchBody(response: HttpResponse, watch: BodyWatch): HttpResponse {
  return new WatchedResponse(response, watch)
}

/**
 * A response that hands everything to the one below it; a layer's response class overrides what it
 * changes. A class rather than an object of closures: layers make one for every response.
 */
export class ForwardingResponse implements HttpResponse {
  readonly status: number
  readonly url: URL
  protected readonly inner: HttpResponse

  constructor(inner: HttpResponse) {
    this.status = inner.status
    this.url = inner.url
    this.inner = inner
  }

  header(name: string): string | null {
    return this.inner.header(name)
  }

  read(limitBytes: number): Promise<Uint8Array | undefined> {
    return this.inner.read(limitBytes)
  }

  discard(): void {
    this.inner.discard()
  }
}

class WatchedResponse extends ForwardingResponse {
  readonly #watch: BodyWatch

  constructor(inner: HttpResponse, watch: BodyWatch) {
    super(inner)
    this.#watch = watch
  }

  override async read(limitBytes: number): Promise<Uint8Array | undefined> {
    try {
      return await this.inner.read(limitBytes)
    } catch (error) {
      throw this.#watch.failure(error)
    } finally {
      this.#watch.end()
    }
  }

  override discard(): void {
    this.#watch.end()
    this.inner.discard()
  }
}
