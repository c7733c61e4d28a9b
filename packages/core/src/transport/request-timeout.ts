/**
 * The timeout/abort layer: each request (each redirect hop) gets `timeoutMs` for its head and
 * body, and the caller's `AbortSignal` cancels it; either becomes a typed error.
 */
import { AbortedError, ChatBridgeError, TimeoutError } from '../errors.js'
import { redactUri } from '../redact.js'
import { watchBody } from './handler.js'
import type { Layer } from './handler.js'

class TimeoutSignal {}

/**
 * Aborts a request after `timeoutMs` (or the request's own `timeoutMs`) with a `TimeoutError`, or
 * when the caller's signal fires with an `AbortedError`. The timer keeps covering the body, which
 * the layers above read later.
 */
export function requestTimeout(timeoutMs: number): Layer {
  return (next) => async (request) => {
    const limitMs = request.timeoutMs ?? timeoutMs
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(new TimeoutSignal()), limitMs)
    const outer = request.signal
    const onAbort = (): void => controller.abort(outer?.reason)
    if (outer?.aborted === true) onAbort()
    outer?.addEventListener('abort', onAbort, { once: true })
    const done = (): void => {
      clearTimeout(timer)
      outer?.removeEventListener('abort', onAbort)
    }
    const failure = (error: unknown): unknown => {
      if (error instanceof ChatBridgeError || !controller.signal.aborted) return error
      const uri = redactUri(request.url)
      if (controller.signal.reason instanceof TimeoutSignal) return new TimeoutError({ method: request.method, uri, timeoutMs: limitMs, cause: error })
      return new AbortedError({ method: request.method, uri, cause: error })
    }
    try {
      const response = await next({ ...request, signal: controller.signal })
      return watchBody(response, { onError: failure, onEnd: done })
    } catch (error) {
      done()
      throw failure(error)
    }
  }
}
