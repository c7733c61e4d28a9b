// Core's legacy client seen through a tap, for the transcript's right-hand side.
import type { ChatEvent, ChatInfo, ChatSession, ChatSnapshot, LegacyChatClient, RequestOptions, StartChatRequest } from '@chatbridge/core'
import type { ChatClientPort, ChatSessionPort } from '@chatbridge/adapter'
import { errorCodeOf, statusOf } from './error-text.js'

/** A write the adapter made on the legacy side (a chat request, a line, typing, the end). */
export interface LegacyWrite {
  /** The chat it was made on; `undefined` for a chat request that failed. */
  readonly conversationId: string | undefined
  /** What was sent and what came back, e.g. `POST events line → 201 #4`. */
  readonly description: string
  /** Whether the server accepted it. */
  readonly ok: boolean
}

/**
 * Core's client seen through a tap: the adapter's engine runs on it unchanged, while the CLI
 * keeps every legacy event and the latest info it read, so the transcript can show each Messaging
 * notification next to the legacy event it came from. It sends nothing of its own.
 */
export class LegacyTap implements ChatClientPort {
  readonly #client: LegacyChatClient
  readonly #onWrite: (write: LegacyWrite) => void
  readonly #events = new Map<string, Map<number, ChatEvent>>()
  readonly #usedStates = new Set<string>()
  readonly #info = new Map<string, ChatInfo>()
  readonly #reads = new Map<string, number>()

  /** @param onWrite told of every write once it settled (successful or not). */
  constructor(client: LegacyChatClient, onWrite: (write: LegacyWrite) => void = () => undefined) {
    this.#client = client
    this.#onWrite = onWrite
  }

  /** Requests a chat through core, reporting the `POST chat/request`. */
  async startChat(request: StartChatRequest, options?: RequestOptions): Promise<ChatSessionPort> {
    try {
      const session = await this.#client.startChat(request, options)
      this.#onWrite({ conversationId: session.conversationId, description: `POST chat/request → 201, chat ${session.conversationId}`, ok: true })
      return this.#wrap(session)
    } catch (error) {
      this.#onWrite({ conversationId: undefined, description: `POST chat/request failed: ${codeOf(error)}`, ok: false })
      throw error
    }
  }

  /** Attaches to an existing chat through core; sends nothing. */
  attach(uriOrConversationId: string | URL): ChatSessionPort {
    return this.#wrap(this.#client.attach(uriOrConversationId))
  }

  /** Closes core's client. */
  close(): Promise<void> {
    return this.#client.close()
  }

  /** The legacy event with this `@id` read so far in the chat, if any. */
  event(conversationId: string, id: number): ChatEvent | undefined {
    return this.#events.get(conversationId)?.get(id)
  }

  /**
   * The first legacy `state` (or `a2a-transfer`) event of the chat at `epochMs` not handed out
   * before: the event a conversation UPSERT stamped with that time came from.
   */
  takeStateEventAt(conversationId: string, epochMs: number): ChatEvent | undefined {
    for (const event of this.#events.get(conversationId)?.values() ?? []) {
      if (event.type !== 'state' && event.type !== 'a2a-transfer') continue
      const key = `${conversationId}#${event.id}`
      if (this.#usedStates.has(key) || Date.parse(event.time) !== epochMs) continue
      this.#usedStates.add(key)
      return event
    }
    return undefined
  }

  /** The chat's info as last read. */
  info(conversationId: string): ChatInfo | undefined {
    return this.#info.get(conversationId)
  }

  /** How many reads of the chat succeeded. */
  reads(conversationId: string): number {
    return this.#reads.get(conversationId) ?? 0
  }

  #record(conversationId: string, snapshot: ChatSnapshot): ChatSnapshot {
    let events = this.#events.get(conversationId)
    if (events === undefined) this.#events.set(conversationId, (events = new Map<number, ChatEvent>()))
    for (const event of snapshot.events.events) events.set(event.id, event)
    if (snapshot.info !== undefined) this.#info.set(conversationId, snapshot.info)
    this.#reads.set(conversationId, this.reads(conversationId) + 1)
    return snapshot
  }

  #wrap(session: ChatSession): ChatSessionPort {
    const id = session.conversationId
    const write = async <T>(what: string, call: () => Promise<T>, result: (value: T) => string = () => ''): Promise<T> => {
      try {
        const value = await call()
        this.#onWrite({ conversationId: id, description: `${what}${result(value)}`, ok: true })
        return value
      } catch (error) {
        this.#onWrite({ conversationId: id, description: `${what} failed: ${codeOf(error)}`, ok: false })
        throw error
      }
    }
    return {
      conversationId: id,
      snapshot: async (options) => this.#record(id, await session.snapshot(options)),
      followNext: async (next, options) => this.#record(id, await session.followNext(next, options)),
      addLine: (text, options) =>
        write(`POST events line ${quote(text, 40)}`, () => session.addLine(text, options), (sequence) => (sequence === undefined ? ' → 201' : ` → 201 #${sequence}`)),
      end: (options) => write('POST events state ended', () => session.end(options), () => ' → 201'),
      setVisitorName: (name, options) => write('PUT info/visitorName', () => session.setVisitorName(name, options)),
      setVisitorTyping: (status, options) => write(`PUT info/visitorTyping ${status}`, () => session.setVisitorTyping(status, options)),
    }
  }
}

/** `"text"` cut to `max` characters with an ellipsis. */
export function quote(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ')
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max - 1)}…` : flat)
}

/** `E_HTTP 401`, `ECONNREFUSED`: a failed write in a few characters. */
function codeOf(error: unknown): string {
  const status = statusOf(error)
  const code = errorCodeOf(error)
  return status === undefined ? (code ?? 'error') : `${code ?? 'error'} ${status}`
}
