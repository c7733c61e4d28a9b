// One chat's shared feed: a single poll loop, the log of its messaging changes, its latest state.
import type { Observable, Unsubscribable } from 'rxjs'
import { AdapterError } from './adapter-error.js'
import { type ChatPollerOptions, type PollSupplier, type PollerOutput, type PollerState, startPollLoop } from './chat-poller.js'
import type { LegacyInfo } from './legacy-contract.js'
import { EventLog, type LogEntry } from './event-log.js'
import { HeldLoop, type LoopEnds, LoopObserver, type LoopSink, type LoopStarter } from './held-loop.js'
import { LazySubject } from './lazy-subject.js'
import { type ReadFrom, replayThenLive } from './event-replay.js'
import { type ConversationModel, chatStateOf, initialConversationModel, withEndedByConsumer } from './conversation-model.js'
import { type MappedOutput, closeAsGone, isIdlePage, mapBatch } from './map-event.js'
import { type PollCursorHolder, cursorHolder } from './poll-cursor.js'
import { conversationOnStop } from './poll-stop-decision.js'
import type { ExConversationChange, MessagingEventChange } from './messaging-types.js'
import type { ChatFeedListener, LegacyEventRecord } from './chat-feed-types.js'
import type { ActivitySource } from './outbound-activity.js'

export type { ChatFeedListener, LegacyEventRecord } from './chat-feed-types.js'

/**
 * Options of one {@link ChatFeed}.
 *
 * @internal
 */
export interface ChatFeedOptions {
  readonly conversationId: string
  readonly supplier: PollSupplier
  /**
   * The chat's cursor, which the poll loop reads and commits to (and others may read); default a
   * fresh one from event 0. It must start at 0: the feed rebuilds the conversation from the whole log.
   */
  readonly cursor?: PollCursorHolder | undefined
  readonly poller: ChatPollerOptions
  /** This chat's outbound activity (see `reportingActivity`): the poll loop speeds up on each poke. */
  readonly activity?: ActivitySource | undefined
  /**
   * Reads the chat's events from an event id, to replay what the log no longer keeps; without it
   * the log keeps every event.
   */
  readonly readFrom?: ReadFrom | undefined
  /** How many sequenced changes the log keeps when `readFrom` is given; default 50. */
  readonly eventLogLimit?: number | undefined
  /** How long the poll loop outlives its last subscriber, in milliseconds; default 100. */
  readonly graceMs: number
  /** The consumer's participant id when known up front (JWT `sub`). */
  readonly consumerId?: string | undefined
  /** The skill the chat was requested for, until info reports one. */
  readonly requestedSkill?: string | undefined
  /** Epoch milliseconds, for changes without an event time; default `Date.now`. */
  readonly now: () => number
}

/**
 * One chat's notifications, shared by every subscriber: a single poll loop (started by the first
 * subscriber, stopped `graceMs` after the last one leaves, aborting the request in flight), a
 * bounded log of the latest messaging changes (an older `fromSeq` is replayed from the server, see
 * `replayThenLive`), and the latest conversation state.
 *
 * The loop always reads the chat from event 0: the whole log is needed to rebuild the
 * conversation; subscribers filter by sequence. The cursor is not the feed's:
 * it lives in `options.cursor`, which the loop alone advances, so each legacy event is mapped once
 * and logged once, and overlapping subscribers and restarts of the loop never see it twice.
 *
 * @internal
 */
export class ChatFeed implements LoopStarter, LoopSink<PollerOutput> {
  readonly conversationId: string // the chat id
  readonly #supplier: PollSupplier // the options' fields, not the options object (~110 B per chat)
  readonly #readFrom: ReadFrom | undefined
  readonly #now: () => number
  #model: ConversationModel
  readonly #log: EventLog
  // Lazy: a subject is made only when someone subscribes (most chats are watched on one stream).
  readonly #messages = new LazySubject<LogEntry>('subject')
  // Replay, not behavior: a late subscriber still gets the last value after completion.
  readonly #conversation = new LazySubject<ExConversationChange>('replay')
  readonly #legacy = new LazySubject<LegacyEventRecord>('subject')
  readonly #errors = new LazySubject<unknown>('subject')
  readonly #state = new LazySubject<PollerState>('behavior', { status: 'connecting' })
  readonly #chatState = new LazySubject<string | undefined>('replay', undefined)
  /** The shared poll loop, held by the streams that keep the chat polled. */
  readonly #loop: HeldLoop
  readonly #cursor: PollCursorHolder
  readonly #config: ChatPollerOptions // the connection's, shared: the feed is its loops' chat (activity, id)
  /** This chat's outbound activity, which its poll loop listens to. @internal */
  readonly activity: ActivitySource | undefined
  #listener: ChatFeedListener | undefined

  constructor(options: ChatFeedOptions) {
    this.#supplier = options.supplier
    this.#readFrom = options.readFrom
    this.#now = options.now
    this.conversationId = options.conversationId
    this.#model = initialConversationModel(options)
    this.#log = new EventLog(options.readFrom === undefined ? Number.POSITIVE_INFINITY : (options.eventLogLimit ?? 50))
    this.#cursor = options.cursor ?? cursorHolder()
    this.#config = options.poller
    this.activity = options.activity ?? options.poller.activity
    // The feed starts and observes each run itself (a `LoopObserver`): no closures, no Subscriber.
    this.#loop = new HeldLoop(this, options.graceMs, options.poller.scheduler)
  }

  /** Starts a run of the poll loop; the held loop calls it. @internal */
  startLoop(ends: LoopEnds): Unsubscribable {
    return startPollLoop(this.#supplier, this.#cursor, this.#config, new LoopObserver(ends, this), this)
  }

  /** Takes one output of the poll loop; its run's observer calls it. @internal */
  applyOutput(output: PollerOutput): void {
    this.#apply(output)
  }

  /**
   * The chat's messaging changes with `sequence ≥ fromSeq` seen so far, then live ones (chat-state
   * changes, which have no sequence, only live). Keeps the chat polled while subscribed. Completes
   * when the chat has ended (after its last events), errors with {@link AdapterError}
   * `E_POLL_FAILED` when polling stopped on a failure that is not retried.
   */
  messagingEvents$(fromSeq = 0): Observable<MessagingEventChange> {
    const source = { conversationId: this.conversationId, log: this.#log, live$: this.#messages, readFrom: this.#readFrom, now: this.#now }
    return this.#loop.holding(replayThenLive(source, fromSeq))
  }

  /** The conversation's latest change (when there is one), then each new one; keeps the chat polled. */
  conversationChanges$(): Observable<ExConversationChange> {
    return this.#loop.holding(this.#conversation)
  }

  /** Legacy events of unknown type, live; keeps the chat polled. */
  legacyEvents$(): Observable<LegacyEventRecord> {
    return this.#loop.holding(this.#legacy)
  }

  /** The legacy chat state (`waiting`, `chatting`, `ended`, …), current then changes; keeps the chat polled. */
  chatState$(): Observable<string | undefined> {
    return this.#loop.holding(this.#chatState)
  }

  /** The poll loop's state, current then changes. Does not start polling. */
  get state$(): Observable<PollerState> {
    return this.#state
  }

  /** Failed polls that are being retried (decode errors, network errors, …). Does not start polling. */
  get errors$(): Observable<unknown> {
    return this.#errors
  }

  /** How many messaging changes the log keeps now (at most its limit). */
  get loggedEvents(): number {
    return this.#log.size
  }

  /** The latest conversation change, if any. */
  get latestConversation(): ExConversationChange | undefined {
    return this.#conversation.value
  }

  /** The legacy chat state as last read. */
  get legacyState(): string | undefined {
    return this.#chatState.value
  }

  /** The consumer's participant id as the mapping settled it. */
  get consumerId(): string | undefined {
    return this.#model.consumerId
  }

  /** Calls `listener` with every error and state from now on (one listener: the feed's owner; a later one replaces it). */
  listen(listener: ChatFeedListener | undefined): void {
    this.#listener = listener
  }

  /** Records that this side ends the chat (or, with `false`, that its end was refused), for the close reason. */
  markEndedByConsumer(ended = true): void {
    this.#model = withEndedByConsumer(this.#model, ended)
  }

  /** Stops polling for good and completes every stream; idempotent. */
  dispose(): void {
    this.#loop.stop()
    this.#setState({ status: 'closed', reason: 'aborted' })
    this.#completeAll()
  }

  #apply(output: PollerOutput): void {
    switch (output.kind) {
      case 'page':
        // The usual idle page: nothing to map, log or compare.
        if (isIdlePage(this.#model, output.events, output.info)) break
        this.#log.notePage(this.#model, output.info, output.events)
        this.#emit(mapBatch(this.#model, output.events, output.info, this.#now()), output.info)
        break
      case 'error':
        this.#errors.next(output.error)
        this.#listener?.onError?.(output.error)
        break
      case 'state': {
        const state = output.state
        if (state.status !== 'closed') {
          this.#setState(state)
          break
        }
        const outcome = conversationOnStop(state.reason)
        if (outcome === 'close') this.#emit(closeAsGone(this.#model, this.#now()), undefined)
        this.#setState(state)
        if (outcome !== 'fail') this.#completeAll()
        else this.#failAll(new AdapterError('E_POLL_FAILED', `polling conversation ${this.conversationId} stopped (${state.reason})`, { cause: state.error }))
        break
      }
    }
  }

  #setState(state: PollerState): void {
    this.#state.next(state)
    this.#listener?.onState?.(state)
  }

  #emit(result: { readonly model: ConversationModel; readonly outputs: readonly MappedOutput[] }, info: LegacyInfo | undefined): void {
    this.#model = result.model
    for (const output of result.outputs) {
      if (output.kind === 'message') {
        this.#messages.next(this.#log.add(output.change))
      } else if (output.kind === 'conversation') {
        this.#conversation.next(output.change)
      } else {
        this.#legacy.next({ conversationId: output.conversationId, sequence: output.sequence, metadata: output.metadata })
      }
    }
    const state = chatStateOf(this.#model, info)
    if (state !== this.#chatState.value) {
      this.#chatState.next(state)
    }
  }

  #failAll(error: AdapterError): void {
    this.#messages.error(error)
    this.#legacy.error(error)
    this.#chatState.error(error)
    this.#conversation.error(error)
  }

  #completeAll(): void {
    this.#messages.complete()
    this.#legacy.complete()
    this.#chatState.complete()
    this.#conversation.complete()
    this.#errors.complete()
  }
}
