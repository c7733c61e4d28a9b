// Agent timelines run on a chat (runAgentScript), and the ready-made demo agent (autoAgent).
import type { AgentAction, AgentIdentity, AgentScriptOutcome, AgentScriptRun, AgentStep } from './agent-step.js'
import type { Clock, ClockTimer } from './clock.js'
import type { LegacyChat } from './legacy-chat.js'
import { matchesLine } from './line-matcher.js'

/**
 * Something that drives the agent side of every new chat, e.g. {@link autoAgent}. It returns a
 * function that stops it (called when the server closes).
 */
export type ChatAgent = (chat: LegacyChat, clock: Clock) => () => void

/** Runs `steps` against `chat`, in order, each waiting for its trigger. Actions run synchronously when their trigger fires. */
export function runAgentScript(chat: LegacyChat, steps: readonly AgentStep[], clock: Clock): AgentScriptRun {
  let index = 0
  let disarm: (() => void) | undefined
  let settle!: (outcome: AgentScriptOutcome) => void
  const done = new Promise<AgentScriptOutcome>((resolve) => (settle = resolve))
  let finished = false
  const unsubscribeClosed = chat.on('closed', () => stop('the chat was dropped or the server closed'))

  const stop = (reason: string | undefined): void => {
    if (finished) return
    finished = true
    disarm?.()
    disarm = undefined
    unsubscribeClosed()
    settle(reason === undefined ? { completed: true } : { completed: false, reason })
  }

  const runStep = (step: AgentStep): void => {
    disarm?.()
    disarm = undefined
    try {
      perform(chat, step)
    } catch (error) {
      stop(error instanceof Error ? error.message : String(error))
      return
    }
    index++
    armNext()
  }

  const armNext = (): void => {
    if (finished) return
    const step = steps[index]
    if (step === undefined) return stop(undefined)
    if (chat.state === 'ended') return stop(`the chat ended before step ${index} (${step.do})`)
    const trigger = step.after
    if (trigger === undefined) return runStep(step)
    if ('ms' in trigger) {
      const timer: ClockTimer = clock.setTimer(() => runStep(step), trigger.ms)
      disarm = () => timer.cancel()
    } else if ('polls' in trigger) {
      const target = chat.polls + trigger.polls
      if (trigger.polls <= 0) return runStep(step)
      let active = true
      const offPoll = chat.on('poll', () => {
        if (active && chat.polls >= target) runStep(step)
      })
      disarm = () => {
        active = false
        offPoll()
      }
    } else {
      let seen = chat.events.length
      let active = true
      const offEvent = chat.on('event', () => {
        // `seen` moves before acting: an action appends events and re-enters this listener.
        while (active && seen < chat.events.length) {
          const event = chat.events[seen++]
          if (event?.['@type'] === 'line' && event['source'] === 'visitor' && matchesLine(trigger.visitorSays, String(event['text']))) {
            runStep(step)
            return
          }
        }
        if (active && chat.state === 'ended') stop(`the chat ended before step ${index} (${step.do})`)
      })
      disarm = () => {
        active = false
        offEvent()
      }
    }
  }

  armNext()
  return { done, cancel: () => stop('cancelled') }
}

function perform(chat: LegacyChat, step: AgentAction): void {
  switch (step.do) {
    case 'accept':
      return chat.accept(step.agent)
    case 'typing':
      return chat.typing(step.on)
    case 'say':
      chat.say(step.text, step.html === undefined ? {} : { html: step.html })
      return
    case 'push-url':
      chat.pushUrl(step.url)
      return
    case 'transfer':
      return chat.transfer(step.agent)
    case 'end':
      return chat.end()
  }
}

/** Options of {@link autoAgent}. */
export interface AutoAgentOptions {
  /** The agent who accepts. Default `{ name: 'Ada', id: 1 }`. */
  readonly agent?: AgentIdentity
  /** Delay before accepting, in ms. Default 1000. */
  readonly acceptAfterMs?: number
  /** Delay between a visitor line and the echo, in ms (the agent types meanwhile). Default 300. */
  readonly replyAfterMs?: number
}

/**
 * An agent for demos and manual trials: accepts after a moment, echoes each visitor line
 * ("You said: …"), and ends the chat when the visitor says "bye".
 */
export function autoAgent(options: AutoAgentOptions = {}): ChatAgent {
  const agent = options.agent ?? { name: 'Ada', id: 1 }
  const acceptAfterMs = options.acceptAfterMs ?? 1000
  const replyAfterMs = options.replyAfterMs ?? 300
  return (chat, clock) => {
    const timers = new Set<ClockTimer>()
    const later = (ms: number, action: () => void): void => {
      const timer = clock.setTimer(() => {
        timers.delete(timer)
        if (chat.state === 'chatting' && !chat.dropped) action()
      }, ms)
      timers.add(timer)
    }
    const accept = clock.setTimer(() => {
      if (chat.state === 'waiting' && !chat.dropped) chat.accept(agent)
    }, acceptAfterMs)
    let seen = chat.events.length
    const off = chat.on('event', () => {
      // `seen` moves before acting: typing notifies listeners and re-enters this one.
      while (seen < chat.events.length) {
        const event = chat.events[seen++]
        if (event?.['@type'] !== 'line' || event['source'] !== 'visitor') continue
        const text = String(event['text'])
        chat.typing(true)
        later(replyAfterMs, () => (/^\s*bye\b/i.test(text) ? chat.end() : chat.say(`You said: ${text}`)))
      }
    })
    return () => {
      accept.cancel()
      off()
      for (const timer of timers) timer.cancel()
    }
  }
}
