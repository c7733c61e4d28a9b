// The outbound queue: a chat's lines, end and typing, sent in order, one POST at a time.
import { type Observable, Subject, filter, firstValueFrom, map, merge, of, take, takeUntil, timer } from 'rxjs'
import { AdapterError, commandFailed } from './adapter-error.js'
import { chatGone, chatIsOver, decideEndFailure, decideLineFailure, decideLookFailure } from './outbound-failure-decision.js'
import { type OutboundQueueItem as Item, type OutboundQueueOptions, failureFacts } from './outbound-queue-options.js'
import { OutboundLedger } from './outbound-record.js'

/**
 * Sends a chat's lines and its end in order, one POST at a time.
 *
 * - Lines wait while the chat is `waiting` (the legacy API refuses them before an agent joins; see
 *   legacy-chat-api.md §8) and go out, in order, once it is `chatting`. Lines still waiting when
 *   the chat ends, or when an end is queued behind them, are rejected with `E_NOT_SENT`.
 * - A POST whose outcome is unknown (timeout, reset after sending, an unreadable or oversized
 *   answer, a 5xx) is never blindly repeated: an unclaimed visitor line with the same text in the
 *   event log (read from before the send, now and after `reconcileWindowMs`) settles it.
 * - Ending a chat already over resolves. Typing is posted only when it changes. Every wait between
 *   tries is capped by `backoff.maxMs` and `maxWaitMs`, whatever `Retry-After` says.
 *
 * Does not poll: it reads the chat state from the feed and the event-log position from the chat's
 * cursor. When to give up is decided in `outbound-failure-decision.ts`; this class only paces and
 * carries out. Its state (each line's status, the typing state sent) is plain data in `record`.
 *
 * @internal
 */
export class OutboundQueue {
  readonly #options: OutboundQueueOptions
  readonly #ledger: OutboundLedger
  #items: Item[] = []
  #draining = false
  #disposed = false
  // Made on first use (most chats never send): an idle queue holds no controller, subject or promise.
  #controller: AbortController | undefined
  #disposed$: Subject<void> | undefined
  #endQueued$: Subject<void> | undefined
  #typingChain: Promise<void> | undefined

  /** Nothing is sent until a command is queued. */
  constructor(options: OutboundQueueOptions) {
    this.#options = options
    this.#ledger = options.ledger ?? new OutboundLedger()
  }

  /** Queues a line; resolves with its event id (the Messaging `sequence`) once the server has it. */
  sendLine(text: string): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      if (this.#disposed) return reject(this.closedError())
      const id = this.#ledger.queue(text)
      this.#items.push({ kind: 'line', id, text, resolve, reject })
      this.drain()
    })
  }

  /** Queues the chat's end after the lines before it; resolves once the server took it or the chat was over already. */
  end(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.#disposed) return reject(this.closedError())
      this.#items.push({ kind: 'end', resolve, reject })
      this.#endQueued$?.next()
      this.drain()
    })
  }

  /** Posts the visitor's typing status when it differs from the last one posted. */
  setTyping(status: 'typing' | 'not-typing'): Promise<void> {
    if (this.#disposed) return Promise.reject(this.closedError())
    if (status === this.#ledger.value.typing) return Promise.resolve()
    this.#ledger.setTyping(status)
    const sent = (this.#typingChain ?? Promise.resolve()).then(() => this.#options.session.setVisitorTyping(status, { signal: this.signal() }))
    this.#typingChain = sent.catch(() => undefined)
    return sent.catch((error: unknown) => {
      // Unknown now: the next call posts whatever it asks for.
      this.#ledger.setTyping(undefined)
      throw this.commandFailed('set typing', error)
    })
  }

  /** Aborts the POST in flight and rejects everything queued with `E_CLOSED`; idempotent. */
  dispose(): void {
    if (this.#disposed) return
    this.#disposed = true
    this.#controller?.abort()
    this.#disposed$?.next()
    this.#disposed$?.complete()
    const items = this.#items
    this.#items = []
    for (const item of items) item.reject(this.closedError())
  }

  // TS-private methods, not `#` ones: a `#` method gives every instance a brand field (8 bytes).
  private drain(): void {
    if (this.#draining) return
    this.#draining = true
    void this.run()
  }

  private async run(): Promise<void> {
    // The flag is cleared in the same tick as the last look at the queue (no await between them),
    // so an item pushed by code resumed from an earlier item's promise is never left behind.
    try {
      for (let item = this.#items[0]; item !== undefined && !this.#disposed; item = this.#items[0]) {
        try {
          if (item.kind === 'line') item.resolve(await this.postLine(item.id, item.text))
          else item.resolve(await this.sendEnd())
        } catch (error) {
          if (item.kind === 'line' && !this.#disposed) this.settleFailed(item.id, error)
          item.reject(this.#disposed ? this.closedError() : error)
        }
        const done = item
        this.#items = this.#items.filter((queued) => queued !== done)
      }
    } finally {
      this.#draining = false
    }
  }

  private async postLine(id: number, text: string): Promise<number> {
    await this.untilChatting()
    this.#ledger.mark(id, { status: 'sending' })
    // Any copy of this line the server applied has an id at or above `mark`.
    const mark = this.#options.cursor.value.from
    for (let attempt = 0; ; attempt += 1) {
      try {
        const sequence = await this.#options.session.addLine(text, { signal: this.signal() })
        if (sequence !== undefined && !this.#ledger.isClaimed(sequence)) return this.#ledger.claim(id, sequence)
        // 201 without a usable Location: the line is in the log; find its id there.
        const found = await this.reconcile(id, text, mark)
        if (found !== undefined) return found
        throw new AdapterError('E_OUTCOME_UNKNOWN', `line accepted in conversation ${this.#options.conversationId} but not found in its event log`)
      } catch (error) {
        if (this.#disposed) throw this.closedError()
        if (error instanceof AdapterError) throw error
        const decision = decideLineFailure(error, failureFacts(this.#options.timing, attempt))
        if (decision.action === 'await-agent') {
          // "Cannot add line while not in chat": the state we read was stale. Wait for chatting again.
          await this.sleep(decision.retryInMs)
          await this.untilChatting()
          continue
        }
        if (decision.lookFirst) {
          const found = await this.reconcile(id, text, mark)
          if (found !== undefined) return found
          // A slow server may still apply the timed-out POST: look again before sending again.
          await this.sleep(this.#options.timing.reconcileWindowMs)
          const late = await this.reconcile(id, text, mark)
          if (late !== undefined) return late
        }
        if (decision.action === 'give-up') throw this.commandFailed('send a line', error)
        await this.sleep(decision.retryInMs)
      }
    }
  }

  /** The id of an unclaimed visitor line with this text at or after `mark`, read from the event log (and claimed for line `id`). */
  private async reconcile(id: number, text: string, mark: number): Promise<number | undefined> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        const snapshot = await this.#options.session.snapshot({ from: mark, signal: this.signal() })
        const match = snapshot.events.events.find(
          (event) => event.type === 'line' && event.source === 'visitor' && event.text === text && event.id >= mark && !this.#ledger.isClaimed(event.id),
        )
        return match === undefined ? undefined : this.#ledger.claim(id, match.id)
      } catch (error) {
        if (this.#disposed) throw this.closedError()
        const decision = decideLookFailure(error, failureFacts(this.#options.timing, attempt))
        if (!decision.retry) {
          const what = `could not tell whether a line reached conversation ${this.#options.conversationId}; it was not sent again`
          throw new AdapterError('E_OUTCOME_UNKNOWN', what, { cause: error })
        }
        await this.sleep(decision.retryInMs)
      }
    }
  }

  private async sendEnd(): Promise<void> {
    this.#options.chat.markEndedByConsumer(true)
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.#options.session.end({ signal: this.signal() })
        return
      } catch (error) {
        if (this.#disposed) throw this.closedError()
        const decision = decideEndFailure(error, failureFacts(this.#options.timing, attempt))
        if (decision.action === 'done') return
        if (decision.action === 'give-up') {
          if (decision.refused) this.#options.chat.markEndedByConsumer(false)
          // Ending a chat that is already over is done (idempotent); its close reason stays its own.
          if (decision.refused && (await this.isOver())) return
          throw this.commandFailed('end the chat', error)
        }
        await this.sleep(decision.retryInMs)
      }
    }
  }

  /** Whether a read of the chat (from the cursor) shows it over or gone; false when it cannot tell. */
  private async isOver(): Promise<boolean> {
    const read = this.#options.session.snapshot({ from: this.#options.cursor.value.from, signal: this.signal() })
    return read.then(chatIsOver, (error: unknown) => !this.#disposed && chatGone(error))
  }

  /** Resolves once the chat is `chatting`; rejects with `E_NOT_SENT` if it ends or an end is queued first. */
  private async untilChatting(): Promise<void> {
    const endQueued = (): boolean => this.#items.some((item) => item.kind === 'end')
    const outcome = await firstValueFrom(
      merge(
        this.#options.chat.chatState$().pipe(filter((state) => state === 'chatting' || state === 'ended' || (state !== undefined && endQueued()))),
        (this.#endQueued$ ??= new Subject<void>()).pipe(map(() => 'end-queued')),
      ).pipe(take(1), takeUntil(this.whenDisposed())),
      { defaultValue: 'closed' },
    ).catch((error: unknown) => {
      throw this.commandFailed('wait for an agent', error)
    })
    if (outcome === 'chatting') return
    if (outcome === 'closed') throw this.closedError()
    const why = outcome === 'ended' ? 'ended' : 'is being closed'
    throw new AdapterError('E_NOT_SENT', `line not sent: conversation ${this.#options.conversationId} ${why} before an agent joined`)
  }

  /** A failed line leaves the record, unless its outcome is unknown: then it may be in the log. */
  private settleFailed(id: number, error: unknown): void {
    if (error instanceof AdapterError && error.code === 'E_OUTCOME_UNKNOWN') this.#ledger.mark(id, { status: 'outcome-unknown' })
    else this.#ledger.drop(id)
  }

  private async sleep(ms: number): Promise<void> {
    const fired = await firstValueFrom(timer(ms, this.#options.timing.scheduler).pipe(takeUntil(this.whenDisposed())), { defaultValue: undefined })
    if (fired === undefined) throw this.closedError()
  }

  /** The signal of every request; aborted on dispose (one made after it starts aborted). */
  private signal(): AbortSignal {
    this.#controller ??= new AbortController()
    if (this.#disposed) this.#controller.abort()
    return this.#controller.signal
  }

  /** Emits on dispose (at once when disposed already). */
  private whenDisposed(): Observable<void> {
    return this.#disposed ? of(undefined) : (this.#disposed$ ??= new Subject<void>())
  }

  private closedError(): AdapterError {
    return new AdapterError('E_CLOSED', `conversation ${this.#options.conversationId} was closed on this connection`)
  }

  private commandFailed(what: string, error: unknown): AdapterError {
    return commandFailed(`${what} in conversation ${this.#options.conversationId}`, error)
  }
}
