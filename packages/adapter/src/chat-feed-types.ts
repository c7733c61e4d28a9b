// What a chat's feed hands its owner and its legacy-event subscribers, apart from the feed itself.
import type { ChatPollerOptions, PollerState } from './chat-poller.js'
import type { PageSource } from './session-supplier.js'
import type { ChangeMetadata, ExConversationChange } from './messaging-types.js'
import type { ReadFrom } from './event-replay.js'
import type { ActivitySource } from './outbound-activity.js'
import type { PollCursorHolder } from './poll-cursor.js'
import type { LazySubject } from './lazy-subject.js'

/** Plain callbacks of a feed's owner (see {@link ChatFeed.listen}): what its `errors$` and `state$` carry, without a subscription. @internal */
export interface ChatFeedListener {
  /** A failed poll being retried (as on `errors$`). */
  onError?(error: unknown): void
  /** The poll loop's new state (as on `state$`, without the current one). */
  onState?(state: PollerState): void
  /** The feed's streams ended: the chat is over, polling stopped for good, or the feed was disposed. Once. */
  onEnd?(): void
  /** A conversation change (an UPSERT, or the CLOSE), as it goes out (see `ChatFeed.latestChange`). */
  onConversationChange?(change: ExConversationChange): void
}

/** A legacy event of unknown type, as the feed passes it on. */
export interface LegacyEventRecord {
  readonly conversationId: string
  readonly sequence: number
  readonly metadata: readonly ChangeMetadata[]
}

/**
 * Options of one {@link ChatFeed}.
 *
 * @internal
 */
export interface ChatFeedOptions {
  readonly conversationId: string
  /** The chat resource's URI as text, when known (see `PollChat`). */
  readonly chatHref?: string | undefined
  readonly supplier: PageSource
  /**
   * The chat's cursor, which the poll loop reads and commits to (and others may read); default a
   * fresh one from event 0. It must start at 0: the feed rebuilds the conversation from the whole log.
   */
  readonly cursor?: PollCursorHolder | undefined
  readonly poller: ChatPollerOptions
  /** This chat's outbound activity (see `reportingActivity`): the poll loop speeds up on each poke. */
  readonly activity?: ActivitySource | undefined
  /**
   * Reads the chat's events from an event id, to replay what the log no longer keeps; without it
   * the log keeps every event.
   */
  readonly readFrom?: ReadFrom | undefined
  /** How many sequenced changes the log keeps when `readFrom` is given; default 50. */
  readonly eventLogLimit?: number | undefined
  /** How long the poll loop outlives its last subscriber, in milliseconds; default 100. */
  readonly graceMs: number
  /** The consumer's participant id when known up front (JWT `sub`). */
  readonly consumerId?: string | undefined
  /** The skill the chat was requested for, until info reports one. */
  readonly requestedSkill?: string | undefined
  /** Epoch milliseconds, for changes without an event time; default `Date.now`. */
  readonly now: () => number
}

/** The subjects of a feed that few chats have, made together on first use: the poll loop's state, retried errors, the legacy chat state. @internal */
export interface RareStreams {
  state: LazySubject<PollerState> | undefined
  errors: LazySubject<unknown> | undefined
  chatState: LazySubject<string | undefined> | undefined
}
