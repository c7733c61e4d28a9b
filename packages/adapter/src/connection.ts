// The reactive face (Connection): a consumer's conversations as RxJS streams and Messaging commands as promises.
import { type Observable, type Unsubscribable, filter, of, switchMap, takeUntil, takeWhile } from 'rxjs'
import { AdapterError, commandFailed } from './adapter-error.js'
import type { LegacyEventRecord } from './chat-feed.js'
import type { ConnectionState } from './connection-state.js'
import { ConnectionEvents } from './connection-signals.js'
import { type ConnectionOptions, resolveConnectionOptions } from './connection-options.js'
import type { ChatClientPort, ChatSessionPort } from './legacy-contract.js'
import type { ConversationField, ConversationRequest, ExConversationChange, MessagingEvent, MessagingEventChange, UserProfile } from './messaging-types.js'
import { CONNECTION_OWN_STORE } from './connection-own-store.js'
import { SmallMap } from './small-map.js'
import { Watchers } from './watchers.js'
import { LEGACY_EVENTS, watchEach } from './each-conversation.js'
import { watchChanges } from './conversation-changes.js'
import type { LazyObserver } from './lazy-subject.js'
import { completed, observableOf } from './watch.js'
import { type Conversation, openConversation } from './open-conversation.js'
import { applyName, closeOn, nameOn, publishOn, updateFieldOn } from './conversation-commands.js'
import { followConversation } from './follow-conversation.js'
import { legacyChatRequest } from './requests/legacy-chat-request.js'

/**
 * The reactive face: Messaging-style notifications of legacy chats as RxJS observables, and Messaging
 * commands as promises. One shared poll loop per conversation, however many subscribers.
 *
 * @example
 * const connection = new Connection(new LegacyChatClient({ accountRoot, appKey }), { chattingIntervalMs: 500 })
 * const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
 * connection.messagingEvents$(conversationId).subscribe((change) => console.log(change.event))
 * await connection.publishEvent(conversationId, { type: 'ContentEvent', contentType: 'text/plain', message: 'hi' })
 * await connection.close()
 *
 * It does not authenticate consumers (the legacy side has no JWT). Its state lives in `options.store`
 * (default: none beyond its own objects, which keep every conversation it opened until it closes): with a durable store (e.g. `@chatbridge/redis`) a new connection
 * continues a conversation by its id — {@link resumeConversation} or {@link messagingEvents$} — sending
 * the lines an earlier one had queued and settling the ones whose outcome was open against the event
 * log, so none is posted twice. The resumed feed replays the chat from event 0 (the conversation is
 * rebuilt from the whole log); pass `fromSeq` to skip what was delivered. A conversation whose lease
 * another process took is closed on this one.
 */
export class Connection {
  readonly #client: ChatClientPort
  readonly #ownsClient: boolean
  // Made with the first `messagingEvents$` subscriber: a connection may never have one.
  #watching: Watchers<MessagingEventChange> | undefined
  // One for all the conversations (they say which they are), not four closures each; the connection's signals too.
  // It keeps the connection's options and its conversations too (one field here, not three).
  readonly #events: ConnectionEvents<Conversation, SmallMap<Conversation>>
  #visitorName: string | undefined

  /** @param client core's `LegacyChatClient` (or anything with `startChat`/`attach`/`close`). @param options `ownsClient` (default false): close the client on {@link close}. */
  constructor(client: ChatClientPort, config: ConnectionOptions = {}, options: { readonly ownsClient?: boolean } = {}) {
    this.#client = client
    this.#ownsClient = options.ownsClient ?? false
    // A small map: a socket's connection has one conversation, and a `Map`'s table would cost more than the entry.
    const conversations = new SmallMap<Conversation>()
    this.#events = new ConnectionEvents(conversations, resolveConnectionOptions(config, client), config.consumerId, config.store ?? CONNECTION_OWN_STORE, this)
  }

  /** The connection's state (see {@link ConnectionState}), current then changes; follows the latest conversation. */
  get state$(): Observable<ConnectionState> {
    return this.#events.closed$.pipe(
      takeWhile((closed) => !closed, true),
      switchMap((closed) =>
        closed
          ? of<ConnectionState>({ status: 'closed', reason: 'closed-by-user' })
          : this.#events.current$.pipe(switchMap((conversation) => (conversation === undefined ? of<ConnectionState>({ status: 'live' }) : conversation.feed.state$))),
      ),
    )
  }

  /** Failed polls being retried (e.g. core's `DecodeError`); the cursor is kept, nothing is lost. */
  get errors$(): Observable<unknown> {
    return this.#events.errors$.pipe(takeUntil(this.#events.closed$.pipe(filter((closed) => closed))))
  }

  /**
   * Conversation changes of every conversation of this connection: each one's latest, then live
   * UPSERTs (the first subscriber starts polling). Completes when the connection closes.
   */
  conversations$(): Observable<ExConversationChange> {
    return observableOf((observer) => this.watchConversations(observer))
  }

  /** {@link conversations$} into a plain observer (no RxJS subscriber: a socket keeps it for its life); returns what stops it. @internal */
  watchConversations(observer: LazyObserver<ExConversationChange>): Unsubscribable {
    return watchChanges(this.#events, observer)
  }

  /**
   * A dialog's messaging changes from `fromSeq` (default 0: everything), replayed then live, each
   * once in `sequence` order. An unknown dialog id is resumed (attached) first, so a stored id is
   * enough after a restart. Completes when the chat has ended or the connection closes; errors
   * with `AdapterError` `E_POLL_FAILED` when polling stops on a failure that is not retried.
   */
  messagingEvents$(dialogId: string, options: { readonly fromSeq?: number } = {}): Observable<MessagingEventChange> {
    return observableOf((observer) => this.watchMessagingEvents(dialogId, options.fromSeq ?? 0, observer))
  }

  /** {@link messagingEvents$} into a plain observer, or with `'end'` only its end (see `ChatFeed`); a throw is the stream's failure. Returns what stops it. @internal */
  watchMessagingEvents(dialogId: string, fromSeq: number | 'end', observer: LazyObserver<MessagingEventChange>): Unsubscribable {
    if (this.#events.closed) return completed(observer)
    const conversation = this.conversationFor(dialogId)
    // Read once the store let this connection have it (the lease, the consumer's own conversation).
    return (this.#watching ??= new Watchers()).follow(observer, conversation.ready, (follow) => conversation.feed.watchMessagingEvents(fromSeq, follow))
  }

  /** Legacy events of a type chatbridge does not know, from every conversation, live (opt-in). */
  legacyEvents$(): Observable<LegacyEventRecord> {
    return observableOf((observer) => this.watchLegacyEvents(observer))
  }

  /** {@link legacyEvents$} into a plain observer; returns what stops it. @internal */
  watchLegacyEvents(observer: LazyObserver<LegacyEventRecord>): Unsubscribable {
    return watchEach(this.#events, LEGACY_EVENTS, observer)
  }

  /** Requests a new chat (`POST chat/request`); resolves with its id once the server created it. */
  async requestConversation(request: ConversationRequest = {}): Promise<{ readonly conversationId: string }> {
    this.assertOpen()
    const { skill, startChat } = legacyChatRequest(request, this.#events.config)
    let session: ChatSessionPort
    try {
      session = await this.#client.startChat(startChat)
    } catch (error) {
      throw commandFailed('request a conversation', error)
    }
    if (this.#events.closed) throw closedError()
    const conversation = this.open(session, skill)
    await conversation.ready
    if (this.#visitorName !== undefined) await applyName(conversation, this.#visitorName).catch(this.#events.onError)
    return { conversationId: session.conversationId }
  }

  /** Resumes a chat by its conversation id (or chat URI) without a request; polling starts with a subscriber. */
  resumeConversation(conversationId: string): { readonly conversationId: string } {
    return { conversationId: this.conversationFor(conversationId).feed.conversationId }
  }

  /**
   * Follows a conversation whose lease another live process holds (needs `options.relay`): its notifications come from the relay,
   * numbered as on the holder; its commands run on the holder. It tries the lease every quarter TTL and, once free (the holder died
   * or left), holds the conversation itself, its streams going on. One the store does not list as this consumer's errors its
   * streams with `E_UNKNOWN_CONVERSATION`. One this connection has is returned as it is.
   */
  followConversation(conversationId: string): { readonly conversationId: string } {
    this.assertOpen()
    const relay = this.#events.config.relay
    if (relay === undefined) throw new AdapterError('E_BAD_REQUEST', 'following a conversation needs a relay: new Connection(client, { store, relay })')
    const session = this.#events.byId.get(conversationId)?.session ?? this.#client.attach(conversationId)
    if (this.#events.byId.has(session.conversationId)) return { conversationId: session.conversationId }
    const follower = followConversation(session, this.#events.config, relay, this.#events, () => {
      // Promoted (the holder's lease is free): the same feed goes on here as the holder's, so its subscribers see a continuation.
      if (!this.#events.closed && this.#events.byId.get(session.conversationId) === follower) this.open(session, undefined, follower.handOver)
    })
    return { conversationId: this.add(follower).session.conversationId }
  }

  /** This connection's own text of `idOrUri`'s conversation id when it has that conversation, else `idOrUri`: a socket keys its streams with it rather than keep the request's copy. @internal */
  knownConversationId(idOrUri: string): string {
    return this.#events.byId.get(idOrUri)?.session.conversationId ?? idOrUri
  }

  /** Whether `conversationId` is followed here (another process holds it); false once promoted, or for one held here. */
  follows(conversationId: string): boolean {
    return this.#events.byId.get(conversationId)?.forward !== undefined
  }

  /**
   * Publishes a Messaging event to a dialog:
   * - `ContentEvent`: a line, queued while the chat waits for an agent; resolves with its sequence;
   * - `ChatStateEvent`: `COMPOSING` posts typing, any other state not-typing, only on change; sequence 0;
   * - `AcceptStatusEvent`: no legacy equivalent; nothing is sent; sequence 0.
   * Rejects with `AdapterError` (`E_BAD_REQUEST` for `RichContentEvent` and non-text content).
   */
  async publishEvent(dialogId: string, event: MessagingEvent): Promise<{ readonly sequence: number }> {
    this.assertOpen()
    return publishOn(this.conversationFor(dialogId), event)
  }

  /** Ends the chat (`ended` event) after the lines queued before (close reason `CONSUMER`); a chat already over resolves (idempotent) with the close reason it had. */
  async closeConversation(conversationId: string): Promise<void> {
    this.assertOpen()
    await closeOn(this.conversationFor(conversationId))
  }

  /**
   * Applies `cm.UpdateConversationField` fields: `CSATRate` is the answer to the exit survey question `options.csat` names
   * (`E_BAD_REQUEST` saying what to configure without it, or for a rate outside 1–5); then `ConversationStateField` `CLOSE`
   * or a `DialogChange` closing the dialog end the chat. Rejects with `E_BAD_REQUEST` for fields with no legacy equivalent.
   */
  async updateConversationField(conversationId: string, field: ConversationField | readonly ConversationField[]): Promise<void> {
    await updateFieldOn(this.conversationFor(conversationId), field, this.#events.config.csat)
  }

  /** Sets the visitor name (`firstName lastName`) on every open chat and on chats requested later. */
  async setUserProfile(profile: UserProfile): Promise<void> {
    this.assertOpen()
    const name = [profile.firstName, profile.lastName].filter((part) => part !== undefined && part !== '').join(' ')
    if (name === '') return
    this.#visitorName = name
    const open = [...this.#events.byId.values()].filter((c) => c.feed.legacyState !== 'ended')
    await Promise.all(open.map((conversation) => nameOn(conversation, name, this.#events.store, this.#events.onError)))
  }

  /**
   * Closes the connection: stops every poll loop, aborts requests in flight, rejects queued
   * commands with `E_CLOSED`, completes every stream, and closes the client if it owns it. Does
   * not end the chats (they can be resumed). Idempotent.
   */
  async close(): Promise<void> {
    if (this.#events.closed) return
    this.#events.close()
    this.#watching?.completeAll()
    this.#events.disposeLeases()
    for (const conversation of this.#events.byId.values()) conversation.dispose()
    // What was not written yet is written, and the leases given up: another connection may continue at once.
    await Promise.all([...this.#events.byId.values()].map((conversation) => conversation.release()))
    this.#events.complete()
    if (this.#ownsClient) await this.#client.close()
  }

  // TS-private methods, not `#` ones: a `#` method gives every instance a brand field (8 bytes).
  private conversationFor(idOrUri: string): Conversation {
    this.assertOpen()
    const session = this.#events.byId.get(idOrUri)?.session ?? this.#client.attach(idOrUri)
    return this.#events.byId.get(session.conversationId) ?? this.open(session, undefined)
  }

  private open(session: ChatSessionPort, requestedSkill: string | undefined, adopt?: Parameters<typeof openConversation>[4]): Conversation {
    const conversation = openConversation(session, this.#events.config, requestedSkill, this.#events, adopt)
    // An adopted feed is announced already: its subscribers go on with it.
    return this.add(conversation, adopt === undefined)
  }

  private add(conversation: Conversation, announce = true): Conversation {
    this.#events.byId.set(conversation.session.conversationId, conversation)
    if (!announce) return conversation
    this.#events.announce(conversation)
    return conversation
  }

  private assertOpen(): void {
    if (this.#events.closed) throw closedError()
  }
}

const closedError = (): AdapterError => new AdapterError('E_CLOSED', 'the connection is closed')
