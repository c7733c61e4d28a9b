/**
 * The version layer: the legacy API wants `v=1` (the API version) and `NC=true` (no cache) on
 * every request. This layer adds them going out and removes them from the `Location` it hands
 * back, so no URI above the transport ever carries them.
 */
import { ForwardingResponse, type Layer } from './handler.js'

const PARAMETERS = [
  ['v', '1'],
  ['NC', 'true'],
] as const

// A query of plain `name=value` pairs (characters the form encoding writes as they are) reads back
// from `URLSearchParams` unchanged, so appending to its text gives the same URI at a third of the cost.
const PLAIN_QUERY = /^\?[\w*.-]+=[\w*.-]*(?:&[\w*.-]+=[\w*.-]*)*$/
const CARRIES_VERSION = /[?&](?:v|NC)=/

/** Adds `v=1` and `NC=true` unless the URI already carries them; its own query is kept. */
export function withVersion(uri: URL): URL {
  const search = uri.search
  if (uri.hash === '') {
    if (search === '' && !uri.href.endsWith('?')) return new URL(`${uri.href}?v=1&NC=true`)
    if (PLAIN_QUERY.test(search) && !CARRIES_VERSION.test(search)) return new URL(`${uri.href}&v=1&NC=true`)
  }
  const url = new URL(uri)
  for (const [name, value] of PARAMETERS) if (!url.searchParams.has(name)) url.searchParams.set(name, value)
  return url
}

/** A URI without the version parameters, as the server may echo them in a `Location`. */
export function withoutVersion(uri: URL): URL {
  const url = new URL(uri)
  for (const [name] of PARAMETERS) url.searchParams.delete(name)
  return url
}

/** Sends every request with the version parameters; a `Location` comes back (absolute) without them. */
export function versionParameters(): Layer {
  return (next) => async (request) => new UnversionedLocation(await next({ ...request, url: withVersion(request.url) }))
}

class UnversionedLocation extends ForwardingResponse {
  override header(name: string): string | null {
    const value = this.inner.header(name)
    if (value === null || name.toLowerCase() !== 'location') return value
    const location = parseUrl(value, this.url)
    return location === undefined ? value : withoutVersion(location).href
  }
}

function parseUrl(href: string, base: URL): URL | undefined {
  try {
    return new URL(href, base)
  } catch {
    return undefined
  }
}
