/** The holder's side of the Redis relay: one blocking read over the command streams of every conversation it serves. */
import { type RelayAnswer, type RelayCommand, type RelayHandler, answerRelayCommand } from '@chatbridge/adapter'

/** What the loop runs on (the relay's connections and keys). @internal */
export interface RelayServeLoopOptions {
  readonly blockMs: number
  readonly keyOf: (conversationId: string) => string
  /** A blocking command (its own connection). */
  readonly run: (args: readonly string[]) => Promise<unknown>
  /** Claims the command whose reply key this is, for `ttlMs`: true for the one holder that runs it. */
  readonly claim: (replyKey: string, ttlMs: number) => Promise<boolean>
  /** Pushes the answer to the forwarder's reply key. */
  readonly answer: (replyKey: string, answer: RelayAnswer) => Promise<unknown>
}

interface Served {
  readonly key: string
  readonly handle: (command: RelayCommand) => Promise<RelayAnswer>
  /** The last command id read: the loop reads after it. */
  after: string
  /** Commands of one conversation run one after another, in their order. */
  chain: Promise<void>
}

/** One stream's entries of an `XREAD` reply: `[id, [field, value, …]]` each. @internal */
export type StreamEntries = readonly (readonly [string, readonly string[]])[]

/** An `XREAD` reply as `[key, entries]` pairs, whether the connection speaks RESP2 (an array) or RESP3 (a map). @internal */
export function streamsOf(reply: unknown): readonly (readonly [string, StreamEntries])[] {
  if (reply === null || reply === undefined) return []
  if (Array.isArray(reply)) return reply as readonly (readonly [string, StreamEntries])[]
  if (reply instanceof Map) return [...(reply as Map<string, StreamEntries>).entries()]
  return Object.entries(reply as Record<string, StreamEntries>)
}

/** The handler's answer to `command` (its value, or its failure with code, status and body). @internal */
export function answerFor(handler: RelayHandler, command: RelayCommand): Promise<RelayAnswer> {
  return answerRelayCommand(handler, command)
}

/**
 * Reads the command streams of the served conversations with one `XREAD BLOCK` and runs each
 * command once. A conversation is read from its stream's start (the stream is capped), so a command
 * sent while the chat changed holder — nobody serving it yet — is run by the new holder; a command
 * whose sender stopped waiting (past its deadline: outcome unknown for it) is not run late, and each
 * command is claimed before it runs, so two holders in a hand-over never both run it. Running while
 * at least one conversation is served.
 *
 * @internal
 */
export class RelayServeLoop {
  readonly #options: RelayServeLoopOptions
  readonly #served = new Map<string, Served>()
  #running: Promise<void> | undefined
  #closed = false

  constructor(options: RelayServeLoopOptions) {
    this.#options = options
  }

  /** Serves `conversationId` with `handle` until the teardown runs. */
  add(conversationId: string, handle: (command: RelayCommand) => Promise<RelayAnswer>): () => void {
    const key = this.#options.keyOf(conversationId)
    const served: Served = { key, handle, after: '0', chain: Promise.resolve() }
    this.#served.set(conversationId, served)
    this.#running ??= this.#loop()
    return () => {
      if (this.#served.get(conversationId) === served) this.#served.delete(conversationId)
    }
  }

  /** Stops the loop (after its read in flight, which the relay's close interrupts). */
  async close(): Promise<void> {
    this.#closed = true
    await this.#running
    await Promise.all([...this.#served.values()].map((served) => served.chain))
  }

  async #loop(): Promise<void> {
    while (!this.#closed && this.#served.size > 0) {
      const served = [...this.#served.values()]
      let reply: unknown
      try {
        reply = (await this.#options.run(['XREAD', 'COUNT', '100', 'BLOCK', String(this.#options.blockMs), 'STREAMS', ...served.map((s) => s.key), ...served.map((s) => s.after)]))
      } catch {
        // Redis away: try again after a block time rather than spinning on instant failures.
        await new Promise<void>((resolve) => setTimeout(resolve, this.#options.blockMs))
        continue
      }
      for (const [key, entries] of streamsOf(reply)) {
        const target = served.find((s) => s.key === key)
        if (target === undefined) continue
        for (const [id, fields] of entries) {
          target.after = id
          target.chain = target.chain.then(() => this.#runOne(target, fields))
        }
      }
    }
    this.#running = undefined
  }

  async #runOne(served: Served, fields: readonly string[]): Promise<void> {
    const command = field(fields, 'c')
    const replyKey = field(fields, 'r')
    const deadline = Number(field(fields, 'd') ?? 0)
    if (command === undefined || replyKey === undefined) return
    const left = deadline - Date.now()
    if (left <= 0 || !(await this.#options.claim(replyKey, left).catch(() => false))) return
    const answer = await served.handle(JSON.parse(command) as RelayCommand)
    await this.#options.answer(replyKey, answer).catch(() => undefined)
  }
}

function field(fields: readonly string[], name: string): string | undefined {
  const index = fields.indexOf(name)
  return index < 0 ? undefined : fields[index + 1]
}
