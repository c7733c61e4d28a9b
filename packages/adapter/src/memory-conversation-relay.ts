// The in-process ConversationRelay: streams and command handlers in this process's memory, for one process and tests.
import { AdapterError } from './adapter-error.js'
import { type ConversationRelay, type RelayAnswer, type RelayCommand, type RelayEntry, type RelayHandler, type RelayPage, answerRelayCommand } from './conversation-relay.js'

/** Options of a {@link MemoryConversationRelay}. */
export interface MemoryConversationRelayOptions {
  /** Pages kept per conversation (older ones are dropped, as Redis `MAXLEN` trims); default 100. */
  readonly maxPages?: number
  /** How long a read waits for a page, in ms; default 1 000. */
  readonly blockMs?: number
}

interface Stream {
  readonly entries: RelayEntry[]
  readonly waiting: Set<() => void>
}

/**
 * A {@link ConversationRelay} in this process's memory: what several `Connection`s of one process
 * (or a test) share. Pages get positions `1`, `2`, …; a forwarded command with no handler rejects
 * with `E_OUTCOME_UNKNOWN` at once (nobody holds the conversation here).
 */
export class MemoryConversationRelay implements ConversationRelay {
  readonly #maxPages: number
  readonly #blockMs: number
  readonly #streams = new Map<string, Stream>()
  readonly #handlers = new Map<string, RelayHandler>()
  readonly #present = new Map<string, number>() // consumer id → when its presence ends (Date.now)
  #next = 1

  /** @param options see {@link MemoryConversationRelayOptions}. */
  constructor(options: MemoryConversationRelayOptions = {}) {
    this.#maxPages = options.maxPages ?? 100
    this.#blockMs = options.blockMs ?? 1_000
  }

  /** Appends a copy of `page` (JSON, as it would cross processes) and wakes the readers waiting. */
  publish(conversationId: string, page: RelayPage): Promise<void> {
    const stream = this.#stream(conversationId)
    stream.entries.push({ position: String(this.#next++), page: JSON.parse(JSON.stringify(page)) as RelayPage })
    if (stream.entries.length > this.#maxPages) stream.entries.splice(0, stream.entries.length - this.#maxPages)
    for (const wake of [...stream.waiting]) wake()
    return Promise.resolve()
  }

  /** The pages after `after`, or the next one published within the block time, or none. */
  async read(conversationId: string, after: string | undefined, signal: AbortSignal): Promise<readonly RelayEntry[]> {
    const stream = this.#stream(conversationId)
    const since = (): readonly RelayEntry[] => (after === undefined ? [...stream.entries] : stream.entries.filter((entry) => Number(entry.position) > Number(after)))
    const ready = since()
    if (ready.length > 0 || signal.aborted) return ready
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        stream.waiting.delete(done)
        resolve()
      }
      const timer = setTimeout(done, this.#blockMs)
      signal.addEventListener('abort', done)
      stream.waiting.add(done)
    })
    return since()
  }

  /** Runs `command` through the conversation's handler, answered as over the wire. */
  async forward(conversationId: string, command: RelayCommand): Promise<RelayAnswer> {
    const handler = this.#handlers.get(conversationId)
    if (handler === undefined) throw new AdapterError('E_OUTCOME_UNKNOWN', `no process answered for conversation ${conversationId}`)
    return JSON.parse(JSON.stringify(await answerRelayCommand(handler, JSON.parse(JSON.stringify(command)) as RelayCommand))) as RelayAnswer
  }

  /** Makes `handler` the conversation's; the teardown removes it (if it is still the one). */
  serve(conversationId: string, handler: RelayHandler): () => void {
    this.#handlers.set(conversationId, handler)
    return () => {
      if (this.#handlers.get(conversationId) === handler) this.#handlers.delete(conversationId)
    }
  }

  /** Marks the consumers present until `ttlMs` from now (for the `Connection`s sharing this relay). */
  markPresent(consumerIds: readonly string[], ttlMs: number): Promise<void> {
    for (const consumerId of consumerIds) this.#present.set(consumerId, Date.now() + ttlMs)
    return Promise.resolve()
  }

  /** The ms left of the consumer's presence; 0 when none (an expired one is forgotten). */
  presence(consumerId: string): Promise<number> {
    const left = (this.#present.get(consumerId) ?? 0) - Date.now()
    if (left <= 0) this.#present.delete(consumerId)
    return Promise.resolve(Math.max(0, left))
  }

  #stream(conversationId: string): Stream {
    let stream = this.#streams.get(conversationId)
    if (stream === undefined) {
      stream = { entries: [], waiting: new Set() }
      this.#streams.set(conversationId, stream)
    }
    return stream
  }
}
