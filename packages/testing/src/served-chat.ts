// One chat as the server holds it (ServedChat): its events and info, the agent's side, and its waits.
import { runAgentScript } from './agent-script.js'
import type { AgentIdentity, AgentScriptRun, AgentStep } from './agent-step.js'
import { ChatSignals } from './chat-signals.js'
import type { Clock } from './clock.js'
import type { ChatSignal, ChatState, EndReason, LegacyChat, WireEvent } from './legacy-chat.js'
import type { LineMatcher } from './line-matcher.js'
import { matchesLine } from './line-matcher.js'
import type { QuirkSwitches } from './quirks.js'
import type { ChatIds } from './random.js'
import { serverClosedError } from './server-closed.js'
import { formatWireTime } from './wire-time.js'

/** What a chat needs from its server. */
export interface ChatEnvironment {
  readonly clock: Clock
  readonly quirks: () => QuirkSwitches
  readonly utcOffsetMinutes: number
  /** Removes the chat from the server (404 from then on). */
  readonly drop: (chat: ServedChat) => void
}

/**
 * One chat on the server: its events, info fields and the agent's side. Visitor requests change it
 * through the router; tests change it through the agent methods and await it through the `waitFor…`
 * methods. Agent methods throw when the chat is not in a state where the action makes sense.
 */
export class ServedChat implements LegacyChat {
  readonly events: WireEvent[] = []
  state: ChatState = 'waiting'
  agent: AgentIdentity | undefined
  agentTyping: 'typing' | 'not-typing' = 'not-typing'
  visitorTyping: 'typing' | 'not-typing' = 'not-typing'
  visitorName = 'You'
  endReason: EndReason | undefined
  /** GETs of the chat resource or its events so far. */
  polls = 0
  /** Epoch ms of the last request that reached this chat. */
  lastUpdate: number
  dropped = false
  readonly startTime: number
  chattingSince: number | undefined
  readonly transcriptRequests: Record<string, unknown>[] = []
  readonly surveyAnswers: unknown[] = []
  readonly customVariables: unknown[] = []
  readonly #signals = new ChatSignals()
  readonly #env: ChatEnvironment

  constructor(
    readonly id: string,
    readonly uri: string,
    readonly request: Readonly<Record<string, unknown>>,
    readonly chatTimeoutS: number,
    readonly ids: ChatIds,
    env: ChatEnvironment,
  ) {
    this.#env = env
    this.startTime = env.clock.now()
    this.lastUpdate = this.startTime
    this.append('state', { state: 'waiting' })
    this.#autoSystemLine(4, 'Thank you for choosing to chat with us.')
  }

  /** The wire form of an epoch-ms time, in the server's offset. */
  wireTime(ms: number): string {
    return formatWireTime(ms, this.#env.utcOffsetMinutes)
  }

  // ---- agent side -------------------------------------------------------------------------

  /** The agent accepts the waiting chat: a `state chatting` event and system line 3. Throws unless waiting. */
  accept(agent: AgentIdentity): void {
    this.#require('waiting', 'accept')
    this.agent = agent
    this.state = 'chatting'
    this.chattingSince = this.#env.clock.now()
    this.append('state', { state: 'chatting' })
    this.#autoSystemLine(3, `You are now chatting with ${agent.name}.`)
  }

  /** Sets the agent's typing status shown in `info.agentTyping`. Throws when the chat has ended. */
  typing(on: boolean): void {
    this.#requireNotEnded('set typing')
    this.agentTyping = on ? 'typing' : 'not-typing'
    this.#signals.notify('event')
  }

  /** The agent sends a line (`textType html` when `html` is true) and stops typing. Throws unless chatting. */
  say(text: string, options: { readonly html?: boolean } = {}): WireEvent {
    const agent = this.#requireAgent('say')
    this.agentTyping = 'not-typing'
    return this.append('line', {
      textType: options.html === true ? 'html' : 'plain',
      text,
      by: agent.name,
      source: 'agent',
      subType: 'REGULAR',
    })
  }

  /** The agent pushes a URL to the visitor (a `url` event). Throws unless chatting. */
  pushUrl(url: string): WireEvent {
    const agent = this.#requireAgent('push a URL')
    return this.append('url', { url, by: agent.name, source: 'agent' })
  }

  /** Transfers the chat to another agent: system line 13, and `info` names the new agent. Throws unless chatting. */
  transfer(to: AgentIdentity): void {
    this.#requireAgent('transfer')
    this.agent = to
    this.agentTyping = 'not-typing'
    this.#autoSystemLine(13, `You have been transferred to ${to.name}.`)
  }

  /** The agent ends the chat: system line 5, then `state ended`. Throws unless chatting. */
  end(): void {
    const agent = this.#requireAgent('end the chat')
    this.#autoSystemLine(5, `${agent.name} has ended the chat.`)
    this.finish('agent')
  }

  // ---- visitor side (called by the routes) ---------------------------------------------------

  /** Records a visitor line; the caller has checked the state. Returns the line event. */
  visitorLine(text: string): WireEvent {
    const line = this.append('line', { textType: 'plain', text, by: this.visitorName, source: 'visitor', subType: 'REGULAR' })
    if (this.#env.quirks().lineStatus) {
      this.append('line-status', { lineStatus: 'ACCEPT', refSequenceId: line['@id'], metadata: [], source: 'visitor' })
    }
    return line
  }

  /** Ends the chat for `reason` with a `state ended` event. Returns that event. */
  finish(reason: EndReason): WireEvent {
    this.endReason = reason
    this.state = 'ended'
    this.agentTyping = 'not-typing'
    this.visitorTyping = 'not-typing'
    return this.append('state', { state: 'ended' })
  }

  /** Counts a poll (a GET of the chat or its events). */
  recordPoll(): void {
    this.polls++
    this.#signals.notify('poll')
  }

  /** Marks the chat as gone: every later request gets 404, and pending waits reject. */
  markDropped(): void {
    this.dropped = true
    this.#signals.notify('closed')
    this.#signals.rejectAll(new Error(`Chat ${this.id} was dropped`))
  }

  /** Rejects pending waits because the server closed. */
  close(): void {
    this.#signals.notify('closed')
    this.#signals.rejectAll(serverClosedError())
  }

  // ---- observation --------------------------------------------------------------------------

  /** Subscribes to a signal; returns the unsubscribe function. */
  on(signal: ChatSignal, listener: () => void): () => void {
    return this.#signals.on(signal, listener)
  }

  /** Resolves when `check()` is true (now or after a later change); rejects when the chat is dropped or the server closes. */
  waitUntil(check: () => boolean): Promise<void> {
    return this.#signals.waitUntil(check)
  }

  /** Resolves with the first visitor line matching `matcher`, among the lines already received or later ones. */
  async waitForVisitorLine(matcher: LineMatcher): Promise<WireEvent> {
    const find = (): WireEvent | undefined =>
      this.visitorLines().find((line) => matchesLine(matcher, String(line['text'])))
    await this.waitUntil(() => find() !== undefined)
    return find() as WireEvent
  }

  /** Resolves with the first event (already there or later) for which `predicate` is true. */
  async waitForEvent(predicate: (event: WireEvent) => boolean): Promise<WireEvent> {
    await this.waitUntil(() => this.events.some(predicate))
    return this.events.find(predicate) as WireEvent
  }

  /** Resolves when the chat is in `state` (right away if it already is). */
  waitForState(state: ChatState): Promise<void> {
    return this.waitUntil(() => this.state === state)
  }

  /** Resolves once the visitor has polled at least `count` times in total. */
  waitForPolls(count: number): Promise<void> {
    return this.waitUntil(() => this.polls >= count)
  }

  /** Runs an agent timeline on this chat, on the server's clock (see {@link AgentStep}). */
  runScript(steps: readonly AgentStep[]): AgentScriptRun {
    return runAgentScript(this, steps, this.#env.clock)
  }

  /** Drops the chat now, as the service does some time after a chat ended: every route answers 404 internalCode 12. */
  drop(): void {
    this.#env.drop(this)
  }

  /** The visitor lines so far. */
  visitorLines(): WireEvent[] {
    return this.events.filter((e) => e['@type'] === 'line' && e['source'] === 'visitor')
  }

  // ---- internals ----------------------------------------------------------------------------

  /** Appends an event with the next id and the current time; notifies listeners. */
  append(type: string, fields: Record<string, unknown>): WireEvent {
    const event: WireEvent = { '@id': String(this.events.length), '@type': type, time: this.wireTime(this.#env.clock.now()), ...fields }
    this.events.push(event)
    this.#signals.notify('event')
    return event
  }

  /** Adds a system line whatever the `systemLines` quirk says. */
  systemLine(systemMessageId: number, text: string): WireEvent {
    return this.append('line', { textType: 'plain', text, by: 'info', source: 'system', systemMessageId, subType: 'REGULAR' })
  }

  /** Adds an event of any type; the id, type and time come first. */
  addRawEvent(type: string, fields: Readonly<Record<string, unknown>>): WireEvent {
    return this.append(type, { ...fields })
  }

  /** The automatic system lines, which the `systemLines` quirk switches off. */
  #autoSystemLine(systemMessageId: number, text: string): void {
    if (this.#env.quirks().systemLines) this.systemLine(systemMessageId, text)
  }

  #require(state: ChatState, action: string): void {
    if (this.state !== state) throw new Error(`Cannot ${action}: chat ${this.id} is ${this.state}, not ${state}`)
  }

  #requireNotEnded(action: string): void {
    if (this.state === 'ended' || this.dropped) throw new Error(`Cannot ${action}: chat ${this.id} has ended`)
  }

  #requireAgent(action: string): AgentIdentity {
    this.#require('chatting', action)
    if (this.agent === undefined) throw new Error(`Cannot ${action}: no agent on chat ${this.id}`)
    return this.agent
  }
}
