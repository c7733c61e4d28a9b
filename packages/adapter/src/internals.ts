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
