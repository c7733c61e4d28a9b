// A consumer's presence across processes: marked on the relay while it has a socket here, read before its chats are ended.
import type { ConversationRelay } from '@chatbridge/adapter'

/** How often this process renews the presence of its consumers: a quarter of the abandon time (so it never lapses under an open socket), at most 5 s. @internal */
export function presenceRenewMs(abandonAfterMs: number): number {
  return Math.max(1, Math.min(5_000, Math.floor(abandonAfterMs / 4)))
}

/** What a {@link ConsumerRegistry} asks of presence. @internal */
export interface ConsumerPresence {
  /** The ms left of the consumer's presence marked by any process (0: none, or no relay). Never rejects: a failed read counts as present for `abandonAfterMs`. */
  left(consumerId: string): Promise<number>
  /** Stops renewing. */
  close(): void
}

/**
 * Marks the consumers `present()` lists on `relay` every {@link presenceRenewMs}, all in one call,
 * for `abandonAfterMs`: a mark outlives the consumer's last socket anywhere by the abandon time
 * (up to one renewal less), and this process's own marks have run out when its abandon timer
 * fires. Without a relay every consumer is only present where its sockets are (`left` is 0).
 *
 * @internal
 */
export function consumerPresence(relay: ConversationRelay | undefined, abandonAfterMs: number, present: () => readonly string[], onError: (error: Error) => void): ConsumerPresence {
  if (relay === undefined) return { left: () => Promise.resolve(0), close: () => undefined }
  let renewing = false
  const timer = setInterval(() => {
    const consumerIds = present()
    // A renewal still in flight (Redis slow) is not stacked on: the next tick marks them again.
    if (renewing || consumerIds.length === 0) return
    renewing = true
    relay.markPresent(consumerIds, abandonAfterMs).then(
      () => (renewing = false),
      (error: unknown) => {
        renewing = false
        onError(asError(error))
      },
    )
  }, presenceRenewMs(abandonAfterMs))
  timer.unref()
  return {
    left: (consumerId) =>
      relay.presence(consumerId).catch((error: unknown) => {
        // Unknown is not absent: a chat in use elsewhere must not end because Redis was away.
        onError(asError(error))
        return abandonAfterMs
      }),
    close: () => clearInterval(timer),
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}
