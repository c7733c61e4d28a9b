// The suppliers of fan-out: the holder's, which publishes each new page to the relay, and a follower's, which reads them back.
import { Observable, tap } from 'rxjs'
import { ChatBridgeError } from '@chatbridge/core'
import { resolveConnectionOptions } from './connection-options.js'
import type { ConversationRelay, RelayEntry, RelayPage } from './conversation-relay.js'
import { freshEvents } from './fresh-events.js'
import type { LegacyEvent, LegacyInfo, LegacySnapshot, LinksPort } from './legacy-contract.js'
import { IDLE_CEILING_PER_CHATTING_MS, type PacingOptions } from './pacing.js'
import type { ChatPollerOptions, PollerState } from './poller-types.js'
import { conversationOnStop } from './poll-stop-decision.js'
import type { PollSupplier } from './session-supplier.js'

/**
 * The holder's supplier: `inner`'s pages, each one with new events or changed info also handed to
 * `publish` as a {@link RelayPage} (the events at or after the cursor it was read from). An idle
 * poll publishes nothing.
 *
 * @internal
 */
export function publishingSupplier(inner: PollSupplier, publish: (page: RelayPage) => void): PollSupplier {
  let lastInfo: string | undefined
  return (cursor) =>
    inner(cursor).pipe(
      tap((snapshot) => {
        const events = freshEvents(snapshot.events.events, cursor.from)
        const info = snapshot.info === undefined ? undefined : JSON.stringify(snapshot.info)
        if (events.length === 0 && (info === undefined || info === lastInfo)) return
        lastInfo = info ?? lastInfo
        publish({ from: cursor.from, events, info: snapshot.info })
      }),
    )
}

/**
 * A follower's supplier: each call answers with the relay's next pages as one snapshot (a blocking
 * read: an empty page when nothing came within the relay's block time), so give its poll loop
 * zero waits. Pages may repeat (at-least-once); the poll loop drops events below its cursor. When
 * the pages do not join up with the cursor — the follower started after the stream was trimmed,
 * or missed pages — the chat is read once with `readFrom(cursor.from)` (a read, not a
 * lease holder's poll) and the stream followed on from there. A stop marker ends it: `ended` as a
 * page whose info says so, `gone` as a chat-gone failure after the events before it.
 *
 * @internal
 */
export function relaySupplier(relay: ConversationRelay, conversationId: string, readFrom: (from: number, signal: AbortSignal) => Promise<LegacySnapshot>): PollSupplier {
  let position: string | undefined
  let lastInfo: LegacyInfo | undefined
  // The holder's loop stopped on a gone chat: the events before the marker are delivered first, then this.
  let gone = false
  return (cursor) =>
    new Observable<LegacySnapshot>((subscriber) => {
      const controller = new AbortController()
      const next = async (): Promise<LegacySnapshot> => {
        if (gone) throw new ChatBridgeError('E_CHAT_GONE', `conversation ${conversationId} is gone: its holder's poll loop stopped on it`)
        const read = await relay.read(conversationId, position, controller.signal)
        if (controller.signal.aborted) return EMPTY
        const stopAt = read.findIndex((entry) => entry.page.stop !== undefined)
        const entries = stopAt < 0 ? read : read.slice(0, stopAt + 1)
        const stop = entries.at(-1)?.page.stop
        position = entries.at(-1)?.position ?? position
        gone = stop === 'gone'
        const joined = joinPages(entries, cursor.from)
        if (joined === undefined) return readFrom(cursor.from, controller.signal)
        lastInfo = joined.info ?? lastInfo
        // The holder saw the end: a follower that has every event but the marker ends with it.
        const info = stop === 'ended' ? { ...(lastInfo ?? BLANK_INFO), state: 'ended' } : joined.info
        return { links: NO_LINKS, events: { events: joined.events }, info }
      }
      next().then(
        (snapshot) => {
          subscriber.next(snapshot)
          subscriber.complete()
        },
        (error: unknown) => subscriber.error(error),
      )
      return () => controller.abort()
    })
}

/**
 * The pages' events and latest info as one page, or `undefined` when a page starts past what the
 * reader has (`from`, then each page's last event): there is a gap to close.
 *
 * @internal
 */
export function joinPages(entries: readonly RelayEntry[], from: number): { readonly events: readonly LegacyEvent[]; readonly info: LegacyInfo | undefined } | undefined {
  let need = from
  let info: LegacyInfo | undefined
  const events: LegacyEvent[] = []
  for (const { page } of entries) {
    if (page.from > need) return undefined
    events.push(...page.events)
    need = Math.max(need, (page.events.at(-1)?.id ?? need - 1) + 1)
    info = page.info ?? info
  }
  return { events, info }
}

/**
 * A follower's poller: no wait between reads, since each read waits in the relay for a page; the
 * rest (backoff while the relay is unreachable, the scheduler) as the holder's, but no `onPoll` (default: the
 * default connection options' poller). Once `promoted()` it paces as `poller` does, from the next wait on.
 *
 * @internal
 */
export function followerPoller(poller: ChatPollerOptions = resolveConnectionOptions().poller, promoted: () => boolean = () => false): ChatPollerOptions {
  const held = poller.pacing
  // Read at each wait (the loop keeps this object): a promoted loop stretches its idle waits again as a holder's.
  const pacing: PacingOptions = {
    ...held,
    get chattingMs() {
      return promoted() ? held.chattingMs : 0
    },
    get waitingMs() {
      return promoted() ? held.waitingMs : 0
    },
    get idleCeilingMs() {
      return promoted() ? (held.idleCeilingMs ?? IDLE_CEILING_PER_CHATTING_MS * held.chattingMs) : 0
    },
  }
  // Its reads are no polls of the legacy chat: they are not reported as such (metrics, `onPoll`).
  return { ...poller, pacing, onPoll: undefined }
}

/**
 * The stop marker a holder publishes when its poll loop stopped in `state`: `ended`, `gone` (the
 * chat is over on the server without an end), or none (a failure, or the loop disposed here: the
 * conversation goes on elsewhere).
 *
 * @internal
 */
export function stopMarkerOf(state: PollerState): 'ended' | 'gone' | undefined {
  if (state.status !== 'closed') return undefined
  const outcome = conversationOnStop(state.reason)
  return outcome === 'complete' ? 'ended' : outcome === 'close' ? 'gone' : undefined
}

const NO_LINKS: LinksPort = { get: () => undefined }
const BLANK_INFO: LegacyInfo = { state: 'ended', skillName: undefined, skillId: undefined, agentName: undefined, agentId: undefined, startTime: undefined, chatTimeout: undefined, visitorId: undefined, agentTyping: undefined }
const EMPTY: LegacySnapshot = { links: NO_LINKS, events: { events: [] }, info: undefined }
