// The chat as a test sees and drives it (LegacyChat), and the values it is made of.
import type { AgentIdentity, AgentScriptRun, AgentStep } from './agent-step.js'
import type { LineMatcher } from './line-matcher.js'

/** The states the service reports for a chat. */
export type ChatState = 'waiting' | 'chatting' | 'ended'

/** Why a chat ended. */
export type EndReason = 'visitor' | 'agent' | 'timeout'

/** One event of a chat as it goes on the wire (`@id`, `@type`, `time`, then the type's fields). */
export type WireEvent = Readonly<Record<string, unknown>> & {
  readonly '@id': string
  readonly '@type': string
  readonly time: string
}

/** What a chat emits for its listeners. */
export type ChatSignal = 'event' | 'poll' | 'closed'

/**
 * A chat as a test sees and drives it: the agent's side (`accept`, `say`, …), what the visitor did,
 * and promises that settle on what happens next. Agent methods throw when the chat is not in a
 * state where the action makes sense (e.g. `say` before `accept`).
 */
export interface LegacyChat {
  /** The chat id (last segment of the chat URI). */
  readonly id: string
  /** The chat URI the visitor got in `Location`. */
  readonly uri: string
  readonly state: ChatState
  readonly events: readonly WireEvent[]
  readonly agent: AgentIdentity | undefined
  readonly agentTyping: 'typing' | 'not-typing'
  readonly visitorTyping: 'typing' | 'not-typing'
  readonly visitorName: string
  readonly endReason: EndReason | undefined
  /** GETs of the chat resource or its events so far. */
  readonly polls: number
  /** Epoch ms of the last request that reached the chat. */
  readonly lastUpdate: number
  /** `chatTimeout`: seconds without a request after which the chat ends by timeout. */
  readonly chatTimeoutS: number
  readonly dropped: boolean
  /** The body of the chat request (the content of its `request` key). */
  readonly request: Readonly<Record<string, unknown>>
  /** Bodies of transcript requests (with and without subject). */
  readonly transcriptRequests: readonly Record<string, unknown>[]
  /** `survey` objects the visitor submitted to the exit survey. */
  readonly surveyAnswers: readonly unknown[]
  /** Bodies of custom-variables PUTs (`{customVariables:{customVariable:[…]}}`), in arrival order. */
  readonly customVariables: readonly unknown[]
  /** The agent accepts the waiting chat: `state chatting`, system line 3, `info.agentName`/`agentId`. */
  accept(agent: AgentIdentity): void
  /** Sets `info.agentTyping`. */
  typing(on: boolean): void
  /** The agent sends a line (`textType html` with `{ html: true }`) and stops typing. */
  say(text: string, options?: { readonly html?: boolean }): WireEvent
  /** The agent pushes a URL (a `url` event). */
  pushUrl(url: string): WireEvent
  /** Another agent takes over: system line 13, and `info` names the new agent. */
  transfer(to: AgentIdentity): void
  /** The agent ends the chat: system line 5, then `state ended`. */
  end(): void
  /** Adds a system line (`source system`, `by info`) with any `systemMessageId`, e.g. 2 (agents busy) or 23 (requeued). */
  systemLine(systemMessageId: number, text: string): WireEvent
  /**
   * Adds an event of any `@type` with any fields (after `@id`, `@type`, `time`), for what the
   * reference leaves open: `a2a-transfer`, `collaboration`, or a type no one knows yet. `fields`
   * may override `@id` or `time` too, to test a client's strictness; the event still takes the
   * next position, which is what `from` counts.
   */
  addRawEvent(type: string, fields: Readonly<Record<string, unknown>>): WireEvent
  /** Drops the chat now: every route answers 404 internalCode 12. */
  drop(): void
  /** Runs an agent timeline on the server's clock. */
  runScript(steps: readonly AgentStep[]): AgentScriptRun
  /** The visitor's lines so far. */
  visitorLines(): WireEvent[]
  /** Resolves with the first visitor line matching, already received or later. */
  waitForVisitorLine(matcher: LineMatcher): Promise<WireEvent>
  /** Resolves with the first event (already there or later) the predicate accepts. */
  waitForEvent(predicate: (event: WireEvent) => boolean): Promise<WireEvent>
  /** Resolves when the chat is in `state` (at once if it is). */
  waitForState(state: ChatState): Promise<void>
  /** Resolves once the visitor has polled `count` times in total. */
  waitForPolls(count: number): Promise<void>
  /** Subscribes to `event` (an event was added or typing changed), `poll`, or `closed`; returns the unsubscribe function. */
  on(signal: ChatSignal, listener: () => void): () => void
}
