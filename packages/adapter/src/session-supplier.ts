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
 * Fetches one page as a plain promise under a signal its caller owns: the poll loop then lends
 * each request a spare `AbortController` instead of an Observable, a Subscriber and a new
 * controller per poll. A method, so a chat's own object can be its fetcher (no closures kept).
 *
 * @internal
 */
export interface PageFetcher {
  fetchPage(cursor: PollCursor, signal: AbortSignal): Promise<LegacySnapshot>
}

/** A supplier that is also a {@link PageFetcher}; `fetchPage` must answer like the supplier itself would. @internal */
export interface DirectPollSupplier extends PollSupplier, PageFetcher {}

/** What a poll loop reads pages from: a supplier, or a fetcher only. @internal */
export type PageSource = PollSupplier | PageFetcher

/**
 * `source`'s promise form when it has one (see {@link PageFetcher}).
 *
 * @internal
 */
export function directFetchOf(source: PageSource): PageFetcher | undefined {
  return typeof source !== 'function' || (source as Partial<DirectPollSupplier>).fetchPage !== undefined ? (source as PageFetcher) : undefined
}

/** {@link readPage} once `consent` is given (at once without one). @internal */
export function readWhenGiven(session: Pick<ChatSessionPort, 'snapshot' | 'followNext'>, consent: ReadConsent | undefined, cursor: PollCursor, signal: AbortSignal): Promise<LegacySnapshot> {
  return consent === undefined || consent.given ? readPage(session, cursor, signal) : consent.ready.then(() => readPage(session, cursor, signal))
}

/** Reads one page of `session` from `cursor`: its `next` link when it has one, else `from`. @internal */
export function readPage(session: Pick<ChatSessionPort, 'snapshot' | 'followNext'>, cursor: PollCursor, signal: AbortSignal): Promise<LegacySnapshot> {
  // The `next` link is parsed for each poll, not kept parsed: a kept `URL` cost an idle chat ~400 B
  // for the one parse per poll it saved (core copies the URL for the request anyway).
  return cursor.next === undefined ? session.snapshot({ from: cursor.from, signal }) : session.followNext(new URL(cursor.next), { signal })
}

/** Whether a chat may be read yet: nothing is fetched before `given`, or before `ready` resolves. @internal */
export interface ReadConsent {
  readonly given: boolean
  readonly ready: Promise<unknown>
}

/**
 * The supplier for a core chat session (reading nothing before `consent`, when given one): `followNext(cursor.next)` when there is a `next` link, else
 * `snapshot({ from })`. Each request has its own `AbortController`, aborted when an unsubscribe
 * finds it still in flight; the poll loop uses its `fetchPage` instead, under a signal it lends.
 */
export function sessionSupplier(session: Pick<ChatSessionPort, 'snapshot' | 'followNext'>, consent?: ReadConsent): DirectPollSupplier {
  const fetchPage = (cursor: PollCursor, signal: AbortSignal): Promise<LegacySnapshot> => readWhenGiven(session, consent, cursor, signal)
  const supplier = (cursor: PollCursor): Observable<LegacySnapshot> =>
    new Observable<LegacySnapshot>((subscriber) => {
      const controller = new AbortController()
      let settled = false
      fetchPage(cursor, controller.signal).then(
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
  return Object.assign(supplier, { fetchPage })
}
