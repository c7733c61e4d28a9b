// The ConversationStore port: what a conversation needs to continue in another process, as plain JSON data.
import type { OutboundRecord } from './outbound-record.js'
import type { PollCursor } from './poll-cursor.js'

export type { OutboundRecord } from './outbound-record.js'
export type { OutboundLineRecord, OutboundLineStatus } from './outbound-record.js'

/**
 * What a store keeps of one conversation: enough for another `Connection` (another process, after
 * a restart) to continue it. Plain JSON data: `JSON.parse(JSON.stringify(c))` gives it back.
 */
export interface StoredConversation {
  /** The legacy chat's URI (what `client.attach` takes). */
  readonly chatUri: string
  /** The consumer the conversation belongs to (a JWT `sub`), when the connection knew one. */
  readonly consumerId: string | undefined
  /** Where the last owner had read the chat to. */
  readonly cursor: PollCursor
  /** Each line's status (queued, sending, applied with its sequence, outcome unknown) and the typing state last posted. */
  readonly outbound: OutboundRecord
  /** The visitor name last set on the chat, if any. */
  readonly visitorName: string | undefined
}

/** A conversation's lease as this process holds it: every fenced write carries it. */
export interface ConversationLease {
  readonly conversationId: string
  /** The fencing token: larger than the token of any earlier lease of this conversation. */
  readonly token: number
  /** How long the lease lasts without renewal, in ms (`Infinity`: it never expires). */
  readonly ttlMs: number
}

/**
 * Where a `Connection` keeps its conversations' state so they survive the process
 * (`new Connection(client, { store })`; {@link MemoryConversationStore} keeps it in this process
 * only, for connections that share it; a connection given none keeps nothing beyond its own life). Every method is async; every value is plain JSON data.
 *
 * At most one process polls a conversation and sends its lines: the one holding its lease. The
 * cursor and outbound writes carry the lease and are **fenced**: a write whose token is no longer
 * the lease's rejects with an error whose `code` is `'E_LEASE_LOST'`, and the connection then stops
 * touching that conversation.
 */
export interface ConversationStore {
  /**
   * False while the store cannot be reached (Redis down): writes are then retried and a host
   * reports itself not ready. A store that is always reachable (memory) leaves it out.
   */
  readonly available?: boolean
  /** How long a lease lasts without renewal, in ms, when the store's leases expire; a host retries a held lease at a fraction of it. */
  readonly leaseTtlMs?: number
  /** Records a new conversation of `consumerId` (if any) with a fresh cursor and an empty record; keeps an existing one. */
  addConversation(conversationId: string, conversation: { readonly chatUri: string; readonly consumerId: string | undefined }): Promise<void>
  /** The stored conversation, or `undefined` when this store has never seen it. */
  loadConversation(conversationId: string): Promise<StoredConversation | undefined>
  /** The ids of the consumer's conversations, oldest first. */
  conversationsOf(consumerId: string): Promise<readonly string[]>
  /** Saves the cursor; fenced by `lease`. */
  saveCursor(lease: ConversationLease, cursor: PollCursor): Promise<void>
  /** Saves the outbound record; fenced by `lease`. */
  saveOutbound(lease: ConversationLease, outbound: OutboundRecord): Promise<void>
  /** Saves the visitor name set on the chat. */
  saveVisitorName(conversationId: string, name: string): Promise<void>
  /** Takes the conversation's lease when it is free (or already this process's); `undefined` while another process holds it. */
  acquireLease(conversationId: string): Promise<ConversationLease | undefined>
  /** Renews every lease of the list at once; resolves with the ones lost (stop touching those conversations). */
  renewLeases(leases: readonly ConversationLease[]): Promise<readonly ConversationLease[]>
  /** Gives the lease up, so another process may take the conversation at once. */
  releaseLease(lease: ConversationLease): Promise<void>
  /**
   * The conversation is over (the chat ended, or the legacy server no longer has it): it leaves its
   * consumer's list, so no process resumes it again, while its record stays readable. Fenced by `lease`.
   */
  endConversation(lease: ConversationLease): Promise<void>
  /**
   * Up to `limit` open conversations of a consumer (recorded, not ended) whose lease no process
   * holds: a dead process's chats, for a live one to take over before the legacy chats time out.
   * Successive calls walk the whole set a bounded step at a time, so one call may list none while
   * some exist. A store of one process (memory) has none.
   */
  orphanedConversations(limit: number): Promise<readonly string[]>
}

/** True for the rejection of a fenced write whose lease is gone (`code === 'E_LEASE_LOST'`). */
export function isLeaseLost(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'E_LEASE_LOST'
}
