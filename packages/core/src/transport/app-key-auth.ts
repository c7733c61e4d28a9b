/**
 * The auth layer: the app key goes as `Authorization: LivePerson appKey=…`, and only to the
 * account's own origin; an allowed foreign origin gets the request without it.
 */
import type { Layer } from './handler.js'

/** Adds the app key to requests for `home`'s origin; an empty key adds nothing. */
export function appKeyAuth(home: URL, appKey: string): Layer {
  const origin = home.origin
  const authorization = `LivePerson appKey=${appKey}`
  // Not async: the layer only changes the request, so it hands back the promise below as it is.
  return (next) => (request) => {
    if (appKey === '' || request.url.origin !== origin) return next(request)
    return next({ ...request, headers: { ...request.headers, authorization } })
  }
}
