// What a chat's feed hands its owner and its legacy-event subscribers, apart from the feed itself.
import type { PollerState } from './poller-types.js'
import type { ChangeMetadata } from './messaging-types.js'

/** Plain callbacks of a feed's owner (see {@link ChatFeed.listen}): what its `errors$` and `state$` carry, without a subscription. @internal */
export interface ChatFeedListener {
  /** A failed poll being retried (as on `errors$`). */
  onError?(error: unknown): void
  /** The poll loop's new state (as on `state$`, without the current one). */
  onState?(state: PollerState): void
}

/** A legacy event of unknown type, as the feed passes it on. */
export interface LegacyEventRecord {
  readonly conversationId: string
  readonly sequence: number
  readonly metadata: readonly ChangeMetadata[]
}
