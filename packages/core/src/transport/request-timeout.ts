/**
 * The timeout/abort layer: each request (each redirect hop) gets `timeoutMs` for its head and
 * body, and the caller's `AbortSignal` cancels it; either becomes a typed error.
 */
import { AbortedError, ChatBridgeError, TimeoutError } from '../errors.js'
import { redactUri } from '../redact.js'
import { watchBody } from './handler.js'
import type { AbortListener, AbortSignalLike, BodyWatch, HttpRequest, Layer } from './handler.js'

/** The reason a request was aborted for when its time ran out. */
class TimeoutSignal {}

/**
 * Aborts a request after `timeoutMs` (or the request's own `timeoutMs`) with a `TimeoutError`, or
 * when the caller's signal fires with an `AbortedError`. The timer keeps covering the body, which
 * the layers above read later.
 */
export function requestTimeout(timeoutMs: number): Layer {
  return (next) => async (request) => {
    const deadline = new Deadline(request, request.timeoutMs ?? timeoutMs)
    try {
      return watchBody(await next({ ...request, signal: deadline }), deadline)
    } catch (error) {
      deadline.end()
      throw deadline.failure(error)
    }
  }
}

/**
 * One request's deadline: the signal passed down (fired by its timer or by the caller's signal),
 * the watch over its body, and the listener on the caller's signal (`handleEvent`), in one object,
 * so a request costs one allocation here rather than a controller, a signal and four closures.
 */
class Deadline implements AbortSignalLike, BodyWatch {
  aborted = false
  reason: unknown = undefined
  readonly #request: HttpRequest
  readonly #limitMs: number
  readonly #timer: ReturnType<typeof setTimeout>
  // undici adds one listener; more are kept for other callers.
  #listeners: AbortListener[] = []

  constructor(request: HttpRequest, limitMs: number) {
    this.#request = request
    this.#limitMs = limitMs
    this.#timer = setTimeout(timeUp, limitMs, this)
    const outer = request.signal
    if (outer === undefined) return
    if (outer.aborted) this.abort(outer.reason)
    else outer.addEventListener('abort', this, { once: true })
  }

  addEventListener(_type: 'abort', listener: AbortListener): void {
    this.#listeners.push(listener)
  }

  removeEventListener(_type: 'abort', listener: AbortListener): void {
    this.#listeners = this.#listeners.filter((known) => known !== listener)
  }

  /** The caller's signal fired. */
  handleEvent(): void {
    this.abort(this.#request.signal?.reason)
  }

  /** Fires the signal once: every listener is told, and `failure` maps what then fails. */
  abort(reason: unknown): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason
    const listeners = this.#listeners
    this.#listeners = []
    for (const listener of listeners) {
      if (typeof listener === 'function') listener()
      else listener.handleEvent()
    }
  }

  failure(error: unknown): unknown {
    if (error instanceof ChatBridgeError || !this.aborted) return error
    const { method, url } = this.#request
    if (this.reason instanceof TimeoutSignal) return new TimeoutError({ method, uri: redactUri(url), timeoutMs: this.#limitMs, cause: error })
    return new AbortedError({ method, uri: redactUri(url), cause: error })
  }

  end(): void {
    clearTimeout(this.#timer)
    this.#request.signal?.removeEventListener('abort', this)
  }
}

function timeUp(deadline: Deadline): void {
  deadline.abort(new TimeoutSignal())
}
