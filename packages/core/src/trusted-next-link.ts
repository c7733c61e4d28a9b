/** The link-trust policy of the poll: when a chat resource's `next` link may be followed. */
import type { Links } from './links.js'

/**
 * The `next` link of a chat resource when following it cannot lose or mix up events: it reads
 * this chat (the path of the resource's `self`, when there is one) from exactly the cursor `from`.
 * Returns `undefined` otherwise — a link that skips ahead (`?from=` past the cursor) would lose
 * the events in between, one to another chat of the account would deliver that chat's events as
 * this one's — and the caller then reads `snapshot({ from })` instead.
 *
 * @example
 * const next = trustedNextLink(snapshot.links, cursor)
 * const page = next === undefined ? await chat.snapshot({ from: cursor }) : await chat.followNext(next)
 */
export function trustedNextLink(links: Pick<Links, 'get'>, from: number): URL | undefined {
  const next = links.get('next')
  if (next === undefined || next.searchParams.get('from') !== String(from)) return undefined
  const self = links.get('self')
  if (self !== undefined && (self.origin !== next.origin || self.pathname !== next.pathname)) return undefined
  return next
}
