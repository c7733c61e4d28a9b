// One chat's shared feed: a single poll loop, the log of its messaging changes, its latest state.
import type { Observable, Unsubscribable } from 'rxjs'
import { AdapterError } from './adapter-error.js'
import { type ChatPollerOptions, type PollerOutput, type PollerState, startPollLoop } from './chat-poller.js'
import type { PageSource } from './session-supplier.js'
import type { LegacyInfo } from './legacy-contract.js'
import { EventLog, type LogEntry } from './event-log.js'
import { HeldLoop, type LoopKeeper, type LoopRun, type LoopStarter } from './held-loop.js'
import { type LazyObserver, LazySubject, endedLike } from './lazy-subject.js'
import { type ReadFrom, type ReplaySource, replaying } from './event-replay.js'
import { type ConversationModel, chatStateOf, initialConversationModel, withEndedByConsumer } from './conversation-model.js'
import { Delivery, lastUpsert } from './conversation-upsert.js'
import { type MappedOutput, closeAsGone, isIdlePage, mapBatch } from './map-event.js'
import { modelLiteral } from './model-literal.js'
import { type PollCursorHolder, cursorHolder } from './poll-cursor.js'
import { conversationOnStop } from './poll-stop-decision.js'
import type { ExConversationChange, MessagingEventChange } from './messaging-types.js'
import type { ChatFeedListener, ChatFeedOptions, LegacyEventRecord, RareStreams } from './chat-feed-types.js'
import type { ActivitySource } from './outbound-activity.js'
import { EndOnly, STOPPED, observableOf } from './watch.js'

export type { ChatFeedListener, ChatFeedOptions, LegacyEventRecord } from './chat-feed-types.js'

/**
 * One chat's notifications, shared by every subscriber: a single poll loop (started by the first
 * subscriber, stopped `graceMs` after the last one leaves, aborting the request in flight), a
 * bounded log of the latest messaging changes (an older `fromSeq` is replayed from the server, see
 * `replayThenLive`), and the latest conversation state.
 *
 * The loop always reads the chat from event 0: the whole log is needed to rebuild the conversation;
 * subscribers filter by sequence. The cursor is not the feed's: it lives in `options.cursor`, which
 * the loop alone advances, so each legacy event is mapped and logged once, and overlapping
 * subscribers and restarts of the loop never see it twice.
 *
 * @internal
 */
export class ChatFeed implements LoopStarter<PollerOutput>, ReplaySource {
  readonly conversationId: string // the chat id
  readonly #supplier: PageSource // the options' fields, not the options object (~110 B per chat)
  // What its subscribers' replays read, with `conversationId` and `live$`: the feed is their source (no object per subscriber).
  readonly readFrom: ReadFrom | undefined
  readonly now: () => number
  readonly log: EventLog
  // Lazy: a subject is made only when someone subscribes (most chats are watched on one stream).
  readonly live$ = new LazySubject<LogEntry>('subject')
  #model: ConversationModel
  #delivering: Delivery | undefined // while a page's outputs go out
  // Made on first use (few chats have a listener for these), ended then as the feed's streams ended.
  #legacy: LazySubject<LegacyEventRecord> | undefined
  // The poll loop's state and the legacy chat state as plain values; their subjects, and the
  // errors', made on first use, in one object made then (three fields cost every chat 16 bytes more).
  #stateValue: PollerState = CONNECTING
  #chatStateValue: string | undefined
  #rare: RareStreams | undefined
  readonly chatHref: string | undefined // its loops' chat's (see `PollChat`)
  readonly #loop: HeldLoop<PollerOutput> // the shared poll loop, held by the streams that keep the chat polled
  readonly #cursor: PollCursorHolder
  readonly #config: ChatPollerOptions // the connection's, shared: the feed is its loops' chat (activity, id)
  /** This chat's outbound activity, which its poll loop listens to. @internal */
  readonly activity: ActivitySource | undefined
  #listener: ChatFeedListener | undefined

  constructor(options: ChatFeedOptions) {
    this.#supplier = options.supplier
    this.readFrom = options.readFrom
    this.now = options.now
    this.conversationId = options.conversationId
    this.chatHref = options.chatHref
    this.#model = initialConversationModel(options)
    this.log = new EventLog(options.readFrom === undefined ? Number.POSITIVE_INFINITY : (options.eventLogLimit ?? 50))
    this.#cursor = options.cursor ?? cursorHolder()
    this.#config = options.poller
    this.activity = options.activity ?? options.poller.activity
    this.#loop = new HeldLoop(this, options.graceMs, options.poller.scheduler)
  }

  /** Starts a run of the poll loop; the held loop calls it. @internal */
  startLoop(run: LoopRun<PollerOutput>): Unsubscribable {
    return startPollLoop(this.#supplier, this.#cursor, this.#config, run, this)
  }

  /** Takes one output of the poll loop; its run's observer calls it. @internal */
  applyOutput(output: PollerOutput): void {
    this.apply(output)
  }

  /**
   * The chat's messaging changes with `sequence ≥ fromSeq` seen so far, then live ones (chat-state
   * changes, which have no sequence, only live). Keeps the chat polled while subscribed. Completes
   * when the chat has ended (after its last events), errors with {@link AdapterError}
   * `E_POLL_FAILED` when polling stopped on a failure that is not retried.
   */
  messagingEvents$(fromSeq = 0): Observable<MessagingEventChange> {
    return observableOf((observer) => this.watchMessagingEvents(fromSeq, observer))
  }

  /** {@link messagingEvents$} into a plain observer (no RxJS subscriber: a socket keeps it for its life), or with `'end'` only its end, not keeping the chat polled; returns what stops it. */
  watchMessagingEvents(fromSeq: number | 'end', observer: LazyObserver<MessagingEventChange>): Unsubscribable {
    if (fromSeq === 'end') return this.live$.add(new EndOnly(observer)) ?? STOPPED
    return this.#loop.watch(replaying(this, fromSeq), observer)
  }

  /**
   * The conversation's latest change, when there is one (while a page's outputs go out, the last one
   * out); each new one goes to the listener's `onConversationChange`, the connection's one watch of them all.
   */
  latestChange(): ExConversationChange | undefined {
    return this.#delivering === undefined ? lastUpsert(this.#model) : this.#delivering.latest()
  }

  /** Legacy events of unknown type, live, into a plain observer; keeps the chat polled. Returns what stops it. */
  watchLegacyEvents(observer: LazyObserver<LegacyEventRecord>): Unsubscribable {
    return this.#loop.watch((this.#legacy ??= endedLike(new LazySubject('subject'), this.live$, true)), observer)
  }

  /** The legacy chat state (`waiting`, `chatting`, `ended`, …), current then changes; keeps the chat polled. */
  chatState$(): Observable<string | undefined> {
    return observableOf((observer) => this.#loop.watch(this.chatStates(), observer))
  }

  /** `keeper` keeps the chat polled, with nobody listening, until the chat ends or it lets go (`on` false; `keepConversationsAlive`). */
  keepPolled(keeper: LoopKeeper, on = true): void {
    if (on) this.#loop.keep(keeper)
    else this.#loop.release(keeper)
  }

  /** The poll loop's state, current then changes. Does not start polling. */
  get state$(): Observable<PollerState> {
    return (this.rare().state ??= new LazySubject('behavior', this.#stateValue))
  }

  /** Failed polls that are being retried (decode errors, network errors, …). Does not start polling. */
  get errors$(): Observable<unknown> {
    return (this.rare().errors ??= endedLike(new LazySubject('subject'), this.live$, false))
  }

  /** How many messaging changes the log keeps now (at most its limit). */
  get loggedEvents(): number {
    return this.log.size
  }

  /** The legacy chat state as last read. */
  get legacyState(): string | undefined {
    return this.#chatStateValue
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
    this.#model = modelLiteral(withEndedByConsumer(this.#model, ended))
  }

  /** Stops polling for good and completes every stream; idempotent. */
  dispose(): void {
    this.#loop.stop()
    this.setState({ status: 'closed', reason: 'aborted' })
    this.completeAll()
  }

  private apply(output: PollerOutput): void {
    switch (output.kind) {
      case 'page':
        // The usual idle page: nothing to map, log or compare.
        if (isIdlePage(this.#model, output.events, output.info)) break
        this.log.notePage(this.#model, output.info, output.events)
        this.emit(mapBatch(this.#model, output.events, output.info, this.now()), output.info)
        break
      case 'error':
        this.#rare?.errors?.next(output.error)
        this.#listener?.onError?.(output.error)
        break
      case 'state': {
        const state = output.state
        if (state.status !== 'closed') {
          this.setState(state)
          break
        }
        const outcome = conversationOnStop(state.reason)
        if (outcome === 'close') this.emit(closeAsGone(this.#model, this.now()), undefined)
        this.setState(state)
        if (outcome !== 'fail') this.completeAll()
        else this.failAll(new AdapterError('E_POLL_FAILED', `polling conversation ${this.conversationId} stopped (${state.reason})`, { cause: state.error }))
        break
      }
    }
  }

  private setState(state: PollerState): void {
    this.#stateValue = state
    this.#rare?.state?.next(state)
    this.#listener?.onState?.(state)
  }

  private emit(result: { readonly model: ConversationModel; readonly outputs: readonly MappedOutput[] }, info: LegacyInfo | undefined): void {
    const delivering = (this.#delivering = result.outputs.length > 1 ? new Delivery(result.outputs, this.#model) : undefined)
    this.#model = result.model === this.#model ? result.model : modelLiteral(result.model)
    try {
      for (const output of result.outputs) {
        if (output.kind === 'message') this.live$.next(this.log.add(output.change))
        else if (output.kind === 'conversation') this.#listener?.onConversationChange?.(output.change)
        else this.#legacy?.next({ conversationId: output.conversationId, sequence: output.sequence, metadata: output.metadata })
        if (delivering !== undefined) delivering.out += 1
      }
    } finally {
      this.#delivering = undefined
    }
    const state = chatStateOf(this.#model, info)
    if (state !== this.#chatStateValue) {
      this.#chatStateValue = state
      this.#rare?.chatState?.next(state)
    }
  }

  // The chat-state subject, made on first use with the current value, ended as the feed's streams ended (TS-private: a `#` method costs every instance a brand slot).
  private chatStates(): LazySubject<string | undefined> {
    return (this.rare().chatState ??= endedLike(new LazySubject('replay', this.#chatStateValue), this.live$, true))
  }

  private rare(): RareStreams {
    return (this.#rare ??= { state: undefined, errors: undefined, chatState: undefined })
  }

  private failAll(error: AdapterError): void {
    const ending = this.live$.end === undefined
    for (const subject of [this.live$, this.#legacy, this.#rare?.chatState]) subject?.error(error)
    if (ending) this.#listener?.onEnd?.()
  }

  private completeAll(): void {
    const ending = this.live$.end === undefined
    for (const subject of [this.live$, this.#legacy, this.#rare?.chatState, this.#rare?.errors]) subject?.complete()
    if (ending) this.#listener?.onEnd?.()
  }
}

const CONNECTING: PollerState = { status: 'connecting' }
