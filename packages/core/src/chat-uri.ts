// What a chat's URIs tell: the chat id at the end of its own, an event id at the end of a `Location`.

/** The last non-empty path segment of a chat URI (a trailing `.json`/`.xml` is not part of it). */
export function conversationIdOf(uri: URL): string {
  const segments = uri.pathname.split('/').filter((segment) => segment !== '')
  return decodeURIComponent(segments[segments.length - 1] ?? '').replace(/\.(json|xml)$/, '')
}

/**
 * `id` as the end of `href` when it is that (a view of the text a session keeps anyway, where the
 * decoded id was a copy of it for the chat's life), else `id` itself: the same text either way.
 *
 * @internal
 */
export function tailOf(href: string, id: string): string {
  return href.endsWith(id) ? href.slice(href.length - id.length) : id
}

/**
 * The event id a `Location` ends in, if its last segment is all digits.
 *
 * @internal
 */
export function trailingId(location: URL): number | undefined {
  // Only an all-digit last segment is an event id: a chat id also ends in digits.
  const match = /\/(\d+)(?:\.(?:json|xml))?\/?$/.exec(location.pathname)
  if (match?.[1] === undefined) return undefined
  const id = Number(match[1])
  return Number.isSafeInteger(id) ? id : undefined
}

/**
 * `href` reading from event `from`, as `url.searchParams.set('from', …)` gives it. A URI without a
 * query or fragment (a chat's, read on every poll) gets it by text: one parse, and no search
 * parameters for the transport to serialise again when it reads the query to add the version.
 *
 * @internal
 */
export function withFrom(href: string, from: number): URL {
  if (!href.includes('?') && !href.includes('#')) return new URL(`${href}?from=${String(from)}`)
  const url = new URL(href)
  url.searchParams.set('from', String(from))
  return url
}
