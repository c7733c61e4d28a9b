// The chats of one server (ChatStore): creation, lookup, inactivity timeouts, drops and hand-out to tests.
import type { ChatAgent } from './agent-script.js'
import type { AgentScriptRun, AgentStep } from './agent-step.js'
import type { Clock, ClockTimer } from './clock.js'
import type { QuirkSwitches } from './quirks.js'
import type { RandomSource } from './random.js'
import { drawChatIds, newChatId } from './random.js'
import type { ChatEnvironment } from './served-chat.js'
import { ServedChat } from './served-chat.js'
import { serverClosedError } from './server-closed.js'

/** What the store needs from the server. */
export interface ChatStoreOptions {
  readonly clock: Clock
  readonly random: RandomSource
  readonly accountRoot: string
  readonly quirks: () => QuirkSwitches
  readonly utcOffsetMinutes: number
  /** Ms after a chat ended at which it is dropped; `undefined` keeps ended chats until dropped by hand. */
  readonly dropEndedAfterMs: number | undefined
  /** What drives the agent side of each new chat, if anything. */
  readonly agent: ChatAgent | readonly AgentStep[] | undefined
}

interface ChatTimers {
  timeout: ClockTimer | undefined
  drop: ClockTimer | undefined
  stopAgent: (() => void) | undefined
}

/**
 * The chats of one server, their inactivity timeouts and drops. A chat's timeout timer is armed
 * once and re-armed only when it fires early, so a poll costs an assignment, not a timer reset.
 */
export class ChatStore {
  readonly #chats = new Map<string, ServedChat>()
  readonly #timers = new Map<ServedChat, ChatTimers>()
  readonly #unclaimed: ServedChat[] = []
  readonly #claimers: { resolve: (chat: ServedChat) => void; reject: (error: Error) => void }[] = []
  #closed = false
  readonly #env: ChatEnvironment
  readonly #options: ChatStoreOptions

  constructor(options: ChatStoreOptions) {
    this.#options = options
    this.#env = {
      clock: options.clock,
      quirks: options.quirks,
      utcOffsetMinutes: options.utcOffsetMinutes,
      drop: (chat) => this.drop(chat),
    }
  }

  /** Starts a chat for a visitor's chat request. */
  create(request: Readonly<Record<string, unknown>>, chatTimeoutS: number, skillId: number): ServedChat {
    const { random } = this.#options
    const id = newChatId(random)
    const ids = drawChatIds(random, skillId)
    const chat = new ServedChat(id, `${this.#options.accountRoot}/chat/${id}`, request, chatTimeoutS, ids, this.#env)
    this.#chats.set(id, chat)
    const timers: ChatTimers = { timeout: undefined, drop: undefined, stopAgent: undefined }
    this.#timers.set(chat, timers)
    this.#armTimeout(chat, timers, chatTimeoutS * 1000)
    chat.on('event', () => {
      if (chat.state === 'ended' && timers.drop === undefined) this.#onEnded(chat, timers)
    })
    timers.stopAgent = this.#startAgent(chat)
    const claimer = this.#claimers.shift()
    if (claimer === undefined) this.#unclaimed.push(chat)
    else claimer.resolve(chat)
    return chat
  }

  /** The live chat with this id, or `undefined` when unknown or dropped. */
  get(id: string): ServedChat | undefined {
    return this.#chats.get(id)
  }

  /** Every live (not dropped) chat, oldest first. */
  all(): ServedChat[] {
    return [...this.#chats.values()]
  }

  /** Resolves with the oldest chat not yet handed out by this method, waiting for one if needed. */
  nextChat(): Promise<ServedChat> {
    const chat = this.#unclaimed.shift()
    if (chat !== undefined) return Promise.resolve(chat)
    if (this.#closed) return Promise.reject(serverClosedError())
    return new Promise((resolve, reject) => this.#claimers.push({ resolve, reject }))
  }

  /**
   * Ends the chat by timeout when no request reached it for its `chatTimeout`. Called before a
   * request is applied, so the outcome does not depend on whether the timer already fired.
   */
  expireIfIdle(chat: ServedChat): void {
    if (chat.state !== 'ended' && this.#options.clock.now() - chat.lastUpdate >= chat.chatTimeoutS * 1000) {
      chat.finish('timeout')
    }
  }

  /** Removes a chat: from now on its routes answer 404 internalCode 12. */
  drop(chat: ServedChat): void {
    if (chat.dropped) return
    this.#chats.delete(chat.id)
    this.#clearTimers(chat)
    const index = this.#unclaimed.indexOf(chat)
    if (index >= 0) this.#unclaimed.splice(index, 1)
    chat.markDropped()
  }

  /** Cancels every timer and agent, and rejects pending waits on every chat. */
  close(): void {
    this.#closed = true
    for (const claimer of this.#claimers.splice(0)) claimer.reject(serverClosedError())
    for (const chat of this.#timers.keys()) this.#clearTimers(chat)
    for (const chat of this.#chats.values()) chat.close()
  }

  #armTimeout(chat: ServedChat, timers: ChatTimers, ms: number): void {
    timers.timeout = this.#options.clock.setTimer(() => {
      timers.timeout = undefined
      if (chat.state === 'ended' || chat.dropped) return
      const remaining = chat.lastUpdate + chat.chatTimeoutS * 1000 - this.#options.clock.now()
      if (remaining > 0) this.#armTimeout(chat, timers, remaining)
      else chat.finish('timeout')
    }, ms)
  }

  #onEnded(chat: ServedChat, timers: ChatTimers): void {
    timers.timeout?.cancel()
    timers.timeout = undefined
    const after = this.#options.dropEndedAfterMs
    if (after === undefined || !Number.isFinite(after)) {
      timers.drop = { cancel: () => undefined }
      return
    }
    timers.drop = this.#options.clock.setTimer(() => this.drop(chat), after)
  }

  #startAgent(chat: ServedChat): (() => void) | undefined {
    const agent = this.#options.agent
    if (agent === undefined) return undefined
    if (typeof agent === 'function') return agent(chat, this.#options.clock)
    const run: AgentScriptRun = chat.runScript(agent)
    return () => run.cancel()
  }

  #clearTimers(chat: ServedChat): void {
    const timers = this.#timers.get(chat)
    if (timers === undefined) return
    timers.timeout?.cancel()
    timers.drop?.cancel()
    timers.stopAgent?.()
    this.#timers.delete(chat)
  }
}
