// The default ConversationStore: conversations kept in this process's memory, leases always granted.
import type { ConversationLease, ConversationStore, StoredConversation } from './conversation-store.js'
import { EMPTY_OUTBOUND, type OutboundRecord } from './outbound-record.js'
import { type PollCursor, START_CURSOR } from './poll-cursor.js'
import { SmallMap } from './small-map.js'
import { type Few, NO_ITEMS, countOf, itemsOf, withItem, withoutItem } from './exact-lists.js'

/**
 * A {@link ConversationStore} in this process's memory, for connections of one process that share
 * it (a gateway's, say: a consumer's conversations survive its connection); nothing survives the process. Its lease is always granted (one process), never expires
 * and its writes are never refused. Values are copied through JSON, as a real store would; a saved
 * cursor is kept as given (see `saveCursor`).
 */
export class MemoryConversationStore implements ConversationStore {
  // Small maps: a store given to one socket keeps one conversation, or none. A consumer's ids as a
  // `Few`: most have one conversation, and an array of one cost each 56 bytes.
  readonly #conversations = new SmallMap<StoredConversation>()
  // The consumers' lists, made by the first `conversationsOf` (a gateway's), then kept up to date: a
  // store given to one socket is never asked, and kept a map for nothing. Until then, in the same field
  // (one, not two: 8 bytes a socket), the ids of ended conversations, as a `Few`.
  #byConsumer: SmallMap<Few<string>> | Few<string> = NO_ITEMS

  /** Records a new conversation; keeps an existing one. */
  addConversation(conversationId: string, conversation: { readonly chatUri: string; readonly consumerId: string | undefined }): Promise<void> {
    if (!this.#conversations.has(conversationId)) {
      this.#conversations.set(conversationId, stored(conversation.chatUri, conversation.consumerId, START_CURSOR, EMPTY_OUTBOUND, undefined))
      if (this.#byConsumer instanceof SmallMap) listIn(this.#byConsumer, conversation.consumerId, conversationId)
    }
    return Promise.resolve()
  }

  /** The stored conversation (a copy), or `undefined`. */
  loadConversation(conversationId: string): Promise<StoredConversation | undefined> {
    const stored = this.#conversations.get(conversationId)
    return Promise.resolve(stored === undefined ? undefined : copy(stored))
  }

  /** The consumer's conversation ids, oldest first. */
  conversationsOf(consumerId: string): Promise<readonly string[]> {
    const ids = this.listed().get(consumerId)
    return Promise.resolve(ids === undefined ? [] : [...itemsOf(ids)])
  }

  /** Saves the cursor (never refused). */
  saveCursor(lease: ConversationLease, cursor: PollCursor): Promise<void> {
    // Kept as given, not copied: a cursor is a value (the poll loop makes a new one per page and
    // changes none), and a chat kept a second one for its life. Loads still hand out copies.
    this.update(lease.conversationId, { cursor })
    return Promise.resolve()
  }

  /** Saves the outbound record (never refused). */
  saveOutbound(lease: ConversationLease, outbound: OutboundRecord): Promise<void> {
    this.update(lease.conversationId, { outbound: copy(outbound) })
    return Promise.resolve()
  }

  /** Saves the visitor name. */
  saveVisitorName(conversationId: string, name: string): Promise<void> {
    this.update(conversationId, { visitorName: name })
    return Promise.resolve()
  }

  /** Always granted, with token 1, for ever. */
  acquireLease(conversationId: string): Promise<ConversationLease | undefined> {
    return Promise.resolve({ conversationId, token: 1, ttlMs: Infinity })
  }

  /** Nothing is ever lost. */
  renewLeases(): Promise<readonly ConversationLease[]> {
    return Promise.resolve([])
  }

  /** Nothing to give up. */
  releaseLease(): Promise<void> {
    return Promise.resolve()
  }

  /** Drops the conversation from its consumer's list; its record stays. */
  endConversation(lease: ConversationLease): Promise<void> {
    const consumerId = this.#conversations.get(lease.conversationId)?.consumerId
    const byConsumer = this.#byConsumer
    if (!(byConsumer instanceof SmallMap)) {
      if (consumerId !== undefined) this.#byConsumer = withItem(byConsumer, lease.conversationId, true)
      return Promise.resolve()
    }
    const ids = consumerId === undefined ? undefined : byConsumer.get(consumerId)
    if (consumerId !== undefined && ids !== undefined) {
      const left = withoutItem(ids, lease.conversationId)
      if (countOf(left) === 0) byConsumer.delete(consumerId)
      else byConsumer.set(consumerId, left)
    }
    return Promise.resolve()
  }

  /** None: every conversation of a memory store is this process's. */
  orphanedConversations(): Promise<readonly string[]> {
    return Promise.resolve([])
  }

  // TS-private methods, not `#` ones: a `#` method gives every instance a brand field (8 bytes).
  // The consumers' lists, made from the records the first time they are asked for (oldest first, the ended left out).
  private listed(): SmallMap<Few<string>> {
    if (this.#byConsumer instanceof SmallMap) return this.#byConsumer
    const byConsumer = new SmallMap<Few<string>>()
    const ended = new Set(itemsOf(this.#byConsumer))
    for (const id of this.#conversations.keys()) if (!ended.has(id)) listIn(byConsumer, this.#conversations.get(id)?.consumerId, id)
    return (this.#byConsumer = byConsumer)
  }

  private update(conversationId: string, change: Partial<StoredConversation>): void {
    const old = this.#conversations.get(conversationId)
    if (old === undefined) return
    const visitorName = 'visitorName' in change ? change.visitorName : old.visitorName
    this.#conversations.set(conversationId, stored(old.chatUri, old.consumerId, change.cursor ?? old.cursor, change.outbound ?? old.outbound, visitorName))
  }
}

function listIn(byConsumer: SmallMap<Few<string>>, consumerId: string | undefined, conversationId: string): void {
  if (consumerId === undefined) return
  const ids = byConsumer.get(consumerId)
  byConsumer.set(consumerId, ids === undefined ? conversationId : withItem(ids, conversationId))
}

// A literal, not a spread of the old record: in V8 a spread followed by more fields gives each
// object a map of its own (about 200 bytes more per conversation, on every write).
function stored(chatUri: string, consumerId: string | undefined, cursor: PollCursor, outbound: OutboundRecord, visitorName: string | undefined): StoredConversation {
  return { chatUri, consumerId, cursor, outbound, visitorName }
}

function copy<T>(value: T): T {
  // JSON, not structuredClone: `undefined` fields vanish exactly as they do in a real store.
  return JSON.parse(JSON.stringify(value)) as T
}
