// `@chatbridge/adapter/internals`: engine pieces below the public surface, for benchmarks and power
// users who measure or rebuild one step of the engine. Unstable: these names and shapes change in
// any release, minor or patch, without notice; nothing here is covered by semver. Code that runs
// chatbridge uses `@chatbridge/adapter` (`Connection`, `MessagingSocket`) instead.

// The mapping step: one page of legacy events and info → Messaging changes, as a pure function.
export { mapBatch } from './map-event.js'
export type { MappedOutput } from './map-event.js'
// What the mapping remembers about one chat between batches.
export { initialConversationModel } from './conversation-model.js'
export type { ConversationModel } from './conversation-model.js'
// The poll loop: a supplier ("read once from the cursor") and the loop that paces, backs off and stops.
export { pollChat, sessionSupplier } from './chat-poller.js'
export type { ChatPollerOptions, PollCursorHolder, PollSupplier, PollerOutput } from './chat-poller.js'
// The retry decision: an error and the attempt in, "retry after N ms" or "give up" out.
export { decideRetry } from './retry-decision.js'
export type { BackoffOptions, RetryDecision } from './retry-decision.js'
// Fan-out: the holder's publishing supplier, a follower's relay-backed supplier and its zero-wait poller.
export { followerPoller, publishingSupplier, relaySupplier } from './relay-supplier.js'
// A dialog's messaging changes into a plain observer: what `messagingEvents$` gives, without the
// RxJS subscriber, observer and finalizer array a subscription keeps (a host that follows every
// conversation for its own bookkeeping, as the gateway does, keeps one per conversation).
export { watchMessagingEvents } from './connection-watch.js'
export type { LazyObserver as PlainObserver } from './lazy-subject.js'
// The short lists the engine keeps per chat (one item as itself), for a host keeping its own per consumer.
export { NO_ITEMS, countOf, firstOf, has, itemsOf, withItem, withoutItem } from './exact-lists.js'
export type { Few } from './exact-lists.js'
