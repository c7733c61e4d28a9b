/**
 * The redirect layer: a 3xx answer to a GET with a `Location` is followed, up to `maxRedirects`
 * hops, each hop going through every layer below it again (origin guard, auth, version, timeout).
 */
import type { Layer } from './handler.js'

/** Follows GET redirects up to `maxRedirects` hops; a POST's 3xx, or one hop too many, is returned as it is. */
export function followRedirects(maxRedirects: number): Layer {
  return (next) => async (request) => {
    let current = request
    for (let hop = 0; ; hop += 1) {
      const response = await next(current)
      const location = response.header('location')
      const status = response.status
      if (status < 300 || status >= 400 || location === null || request.method !== 'GET' || hop >= maxRedirects) return response
      response.discard()
      current = { ...current, url: new URL(location, response.url) }
    }
  }
}
