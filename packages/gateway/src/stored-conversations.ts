// A consumer arriving on this process continues the conversations the shared store lists for it.
import type { Connection, ConversationStore } from '@chatbridge/adapter'

/** What {@link resumeStored} tells the registry. @internal */
export interface ResumeHooks {
  /** The conversation is resumed on the connection: count it as the consumer's, and open. */
  readonly track: (conversationId: string) => void
  /** True once the consumer's entry is gone (abandoned, the gateway closing): stop trying. */
  readonly closed: () => boolean
  /** A failure absorbed (the store unreachable): the consumer starts without its stored conversations. */
  readonly onError: (error: Error) => void
}

/**
 * Resumes every stored conversation of `consumerId` on `connection`, resolving once each is polled
 * once, so the consumer's first conversation list shows them. A conversation whose lease another
 * process still holds — a process that died, until its lease expires — is tried again every
 * quarter TTL for up to 1.5 TTL; one still held after that belongs to a live process and is left
 * to it (this process does not fan its notifications in). Never rejects.
 *
 * @internal
 */
export async function resumeStored(store: ConversationStore, consumerId: string, connection: Connection, hooks: ResumeHooks): Promise<void> {
  let ids: readonly string[]
  try {
    ids = await store.conversationsOf(consumerId)
  } catch (error) {
    hooks.onError(asError(error))
    return
  }
  await Promise.all(ids.map((id) => resumeOne(store, id, connection, hooks).catch((error: unknown) => hooks.onError(asError(error)))))
}

async function resumeOne(store: ConversationStore, conversationId: string, connection: Connection, hooks: ResumeHooks): Promise<void> {
  const ttlMs = store.leaseTtlMs ?? 4_000
  const retryMs = Math.max(1, Math.floor(ttlMs / 4))
  const giveUpAt = Date.now() + ttlMs * 1.5
  for (;;) {
    if (hooks.closed()) return
    // Taking it here only asks "is it free": the connection takes it again (same owner, same token).
    if ((await store.acquireLease(conversationId)) !== undefined) break
    if (Date.now() >= giveUpAt) return
    await new Promise<void>((resolve) => setTimeout(resolve, retryMs))
  }
  if (hooks.closed()) return
  // Resolves with the conversation's first change (its first poll), or after a TTL: a chat the legacy side no longer answers for still lets the consumer in.
  let done = (): void => undefined
  const first = new Promise<void>((resolve) => (done = resolve))
  const timer = setTimeout(done, ttlMs)
  const subscription = connection.conversations$().subscribe({
    next: (change) => {
      if (change.result.convId === conversationId) done()
    },
    error: () => done(),
    complete: () => done(),
  })
  connection.resumeConversation(conversationId)
  hooks.track(conversationId)
  await first
  clearTimeout(timer)
  subscription.unsubscribe()
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}
