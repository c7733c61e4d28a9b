import type { AgentScriptRun, AgentStep, ChatAgent } from './agent-script.js'
import type { Clock, ClockTimer } from './clock.js'
import type { ChatEnvironment } from './chat-session.js'
import { ChatSession } from './chat-session.js'
import type { QuirkSwitches } from './quirks.js'
import type { Random } from './random.js'
import { newChatId, randomDigits } from './random.js'

/** What the store needs from the server. */
export interface ChatStoreOptions {
  readonly clock: Clock
  readonly random: Random
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
  private readonly chats = new Map<string, ChatSession>()
  private readonly timers = new Map<ChatSession, ChatTimers>()
  private readonly unclaimed: ChatSession[] = []
  private readonly claimers: { resolve: (chat: ChatSession) => void; reject: (error: Error) => void }[] = []
  private closed = false
  private readonly env: ChatEnvironment

  constructor(private readonly options: ChatStoreOptions) {
    this.env = {
      clock: options.clock,
      quirks: options.quirks,
      utcOffsetMinutes: options.utcOffsetMinutes,
      drop: (chat) => this.drop(chat),
    }
  }

  /** Starts a chat for a visitor's chat request. */
  create(request: Readonly<Record<string, unknown>>, chatTimeoutSeconds: number, skillId: number): ChatSession {
    const { random } = this.options
    const id = newChatId(random)
    const ids = { visitorId: Number(randomDigits(random, 16)), rtSessionId: Number(randomDigits(random, 10)), skillId }
    const chat = new ChatSession(id, `${this.options.accountRoot}/chat/${id}`, request, chatTimeoutSeconds, ids, this.env)
    this.chats.set(id, chat)
    const timers: ChatTimers = { timeout: undefined, drop: undefined, stopAgent: undefined }
    this.timers.set(chat, timers)
    this.armTimeout(chat, timers, chatTimeoutSeconds * 1000)
    chat.on('event', () => {
      if (chat.state === 'ended' && timers.drop === undefined) this.onEnded(chat, timers)
    })
    timers.stopAgent = this.startAgent(chat)
    const claimer = this.claimers.shift()
    if (claimer === undefined) this.unclaimed.push(chat)
    else claimer.resolve(chat)
    return chat
  }

  /** The live chat with this id, or `undefined` when unknown or dropped. */
  get(id: string): ChatSession | undefined {
    return this.chats.get(id)
  }

  /** Every live (not dropped) chat, oldest first. */
  all(): ChatSession[] {
    return [...this.chats.values()]
  }

  /** Resolves with the oldest chat not yet handed out by this method, waiting for one if needed. */
  nextChat(): Promise<ChatSession> {
    const chat = this.unclaimed.shift()
    if (chat !== undefined) return Promise.resolve(chat)
    if (this.closed) return Promise.reject(new Error('The legacy chat server closed'))
    return new Promise((resolve, reject) => this.claimers.push({ resolve, reject }))
  }

  /**
   * Ends the chat by timeout when no request reached it for its `chatTimeout`. Called before a
   * request is applied, so the outcome does not depend on whether the timer already fired.
   */
  expireIfIdle(chat: ChatSession): void {
    if (chat.state !== 'ended' && this.options.clock.now() - chat.lastUpdate >= chat.chatTimeoutSeconds * 1000) {
      chat.finish('timeout')
    }
  }

  /** Removes a chat: from now on its routes answer 404 internalCode 12. */
  drop(chat: ChatSession): void {
    if (chat.dropped) return
    this.chats.delete(chat.id)
    this.clearTimers(chat)
    const index = this.unclaimed.indexOf(chat)
    if (index >= 0) this.unclaimed.splice(index, 1)
    chat.markDropped()
  }

  /** Cancels every timer and agent, and rejects pending waits on every chat. */
  close(): void {
    this.closed = true
    for (const claimer of this.claimers.splice(0)) claimer.reject(new Error('The legacy chat server closed'))
    for (const chat of this.timers.keys()) this.clearTimers(chat)
    for (const chat of this.chats.values()) chat.close()
  }

  private armTimeout(chat: ChatSession, timers: ChatTimers, ms: number): void {
    timers.timeout = this.options.clock.setTimer(() => {
      timers.timeout = undefined
      if (chat.state === 'ended' || chat.dropped) return
      const remaining = chat.lastUpdate + chat.chatTimeoutSeconds * 1000 - this.options.clock.now()
      if (remaining > 0) this.armTimeout(chat, timers, remaining)
      else chat.finish('timeout')
    }, ms)
  }

  private onEnded(chat: ChatSession, timers: ChatTimers): void {
    timers.timeout?.cancel()
    timers.timeout = undefined
    const after = this.options.dropEndedAfterMs
    if (after === undefined || !Number.isFinite(after)) {
      timers.drop = { cancel: () => undefined }
      return
    }
    timers.drop = this.options.clock.setTimer(() => this.drop(chat), after)
  }

  private startAgent(chat: ChatSession): (() => void) | undefined {
    const agent = this.options.agent
    if (agent === undefined) return undefined
    if (typeof agent === 'function') return agent(chat, this.options.clock)
    const run: AgentScriptRun = chat.runScript(agent)
    return () => run.cancel()
  }

  private clearTimers(chat: ChatSession): void {
    const timers = this.timers.get(chat)
    if (timers === undefined) return
    timers.timeout?.cancel()
    timers.drop?.cancel()
    timers.stopAgent?.()
    this.timers.delete(chat)
  }
}
