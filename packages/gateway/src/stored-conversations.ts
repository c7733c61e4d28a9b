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
 * process holds is followed when the connection has a relay (`follow`): its notifications come
 * through the holder. Without one it is tried again every quarter TTL for up to 1.5 TTL (a dead
 * process's lease expiring); one still held after that belongs to a live process and is left to it. Never rejects.
 *
 * @internal
 */
export async function resumeStored(store: ConversationStore, consumerId: string, connection: Connection, hooks: ResumeHooks, follow = false): Promise<void> {
  let ids: readonly string[]
  try {
    ids = await store.conversationsOf(consumerId)
  } catch (error) {
    hooks.onError(asError(error))
    return
  }
  await Promise.all(ids.map((id) => resumeOne(store, id, connection, hooks, follow).catch((error: unknown) => hooks.onError(asError(error)))))
}

async function resumeOne(store: ConversationStore, conversationId: string, connection: Connection, hooks: ResumeHooks, follow: boolean): Promise<void> {
  const ttlMs = store.leaseTtlMs ?? 4_000
  const retryMs = Math.max(1, Math.floor(ttlMs / 4))
  const giveUpAt = Date.now() + ttlMs * 1.5
  let followed = false
  for (;;) {
    if (hooks.closed()) return
    // Taking it here only asks "is it free": the connection takes it again (same owner, same token).
    if ((await store.acquireLease(conversationId)) !== undefined) break
    followed = follow
    if (followed) break
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
  if (followed) connection.followConversation(conversationId)
  else connection.resumeConversation(conversationId)
  hooks.track(conversationId)
  await first
  clearTimeout(timer)
  subscription.unsubscribe()
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}
