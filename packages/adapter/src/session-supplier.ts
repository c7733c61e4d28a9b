// The supplier: how the poll loop fetches one page of a chat session, cancellable.
import { Observable } from 'rxjs'
import type { ChatSessionPort, LegacySnapshot } from './legacy-contract.js'
import type { PollCursor } from './poll-cursor.js'

/**
 * Fetches the chat resource once from a cursor (the "supplier"). It must emit one snapshot and
 * complete, or error; unsubscribing must cancel the request in flight.
 */
export type PollSupplier = (cursor: PollCursor) => Observable<LegacySnapshot>

/**
 * The supplier for a core chat session: `followNext(cursor.next)` when there is a `next` link, else
 * `snapshot({ from })`. Each request has its own `AbortController`, aborted when an unsubscribe
 * finds it still in flight.
 */
export function sessionSupplier(session: Pick<ChatSessionPort, 'snapshot' | 'followNext'>): PollSupplier {
  // An idle chat follows the same `next` link poll after poll: parse it once (core copies it before use).
  let parsed: { readonly href: string; readonly url: URL } | undefined
  const urlOf = (href: string): URL => {
    if (parsed?.href !== href) parsed = { href, url: new URL(href) }
    return parsed.url
  }
  return (cursor) =>
    new Observable<LegacySnapshot>((subscriber) => {
      const controller = new AbortController()
      let settled = false
      const request =
        cursor.next === undefined
          ? session.snapshot({ from: cursor.from, signal: controller.signal })
          : session.followNext(urlOf(cursor.next), { signal: controller.signal })
      request.then(
        (snapshot) => {
          settled = true
          subscriber.next(snapshot)
          subscriber.complete()
        },
        (error: unknown) => {
          settled = true
          subscriber.error(error)
        },
      )
      // Aborting builds a DOMException with a stack: only worth it for a request still in flight.
      return () => {
        if (!settled) controller.abort()
      }
    })
}
