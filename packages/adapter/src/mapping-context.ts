// What mapping a chat's messages reads of its model, per run of events: kept so events no longer in memory can be mapped again, as they were, from the server's log.
import { type ConversationModel, initialConversationModel, withConsumerId } from './conversation-model.js'
import type { LegacyEvent, LegacyInfo } from './legacy-contract.js'
import { mapBatch } from './map-event.js'
import type { SequencedEventChange } from './messaging-types.js'

/**
 * The facts a page's messages were mapped with, from the page's first event id on: the consumer
 * id, the agent and whether the conversation was closed before the page, and the agent info
 * named. Consecutive pages with equal facts share one context (a chat has a few: one per agent
 * change), and mapping their events together gives the same messages as mapping them page by page.
 *
 * @internal
 */
export interface MappingContext {
  readonly fromId: number
  readonly consumerId: string | undefined
  readonly agent: ConversationModel['agent']
  readonly closed: boolean
  readonly infoAgentId: string | undefined
  readonly infoAgentName: string | undefined
}

/**
 * The context of a page whose first event is `fromId`, mapped from `model` with `info`.
 *
 * @internal
 */
export function mappingContext(model: ConversationModel, info: LegacyInfo | undefined, fromId: number): MappingContext {
  return {
    fromId,
    consumerId: withConsumerId(model, info).consumerId,
    agent: model.agent,
    closed: model.closeReason !== undefined,
    infoAgentId: info?.agentId,
    infoAgentName: info?.agentName,
  }
}

/**
 * True when `b` maps events as `a` does (their `fromId`s aside).
 *
 * @internal
 */
export function sameContext(a: MappingContext, b: MappingContext): boolean {
  return (
    a.consumerId === b.consumerId &&
    a.agent?.id === b.agent?.id &&
    a.agent?.name === b.agent?.name &&
    a.closed === b.closed &&
    a.infoAgentId === b.infoAgentId &&
    a.infoAgentName === b.infoAgentName
  )
}

/**
 * Where a replay of `fromSeq` must start reading: the start of the context holding it (mapping
 * starts there, since events before `fromSeq` in that run may have changed the agent).
 *
 * @internal
 */
export function replayStart(contexts: readonly MappingContext[], fromSeq: number): number {
  let start = Math.min(fromSeq, contexts[0]?.fromId ?? fromSeq)
  for (const context of contexts) if (context.fromId <= fromSeq) start = context.fromId
  return start
}

/**
 * The sequenced messages of `events` with `fromSeq ≤ sequence < below`, mapped by `mapBatch` run
 * by run with each run's context, as the live feed mapped them. Events with an unreadable time get
 * `now` as their `serverTimestamp` (the live feed used its poll's time).
 *
 * @internal
 */
export function remapMessages(
  conversationId: string,
  contexts: readonly MappingContext[],
  events: readonly LegacyEvent[],
  range: { readonly fromSeq: number; readonly below: number },
  now: number,
): SequencedEventChange[] {
  const sorted = [...events].filter((e) => e.id < range.below).sort((a, b) => a.id - b.id)
  const out: SequencedEventChange[] = []
  let seen = -1
  for (let i = 0; i < contexts.length; i += 1) {
    const context = contexts[i] as MappingContext
    const end = contexts[i + 1]?.fromId ?? Number.POSITIVE_INFINITY
    const run = sorted.filter((e) => e.id >= context.fromId && e.id < end && e.id > seen)
    if (run.length === 0) continue
    seen = run.at(-1)?.id ?? seen
    const model: ConversationModel = {
      ...initialConversationModel({ conversationId, consumerId: context.consumerId }),
      agent: context.agent,
      closeReason: context.closed ? 'SYSTEM' : undefined,
    }
    const info: LegacyInfo = {
      state: '',
      skillName: undefined,
      skillId: undefined,
      agentName: context.infoAgentName,
      agentId: context.infoAgentId,
      startTime: undefined,
      chatTimeout: undefined,
      visitorId: undefined,
      agentTyping: undefined,
    }
    for (const output of mapBatch(model, run, info, now).outputs) {
      if (output.kind === 'message' && 'sequence' in output.change && output.change.sequence >= range.fromSeq) out.push(output.change)
    }
  }
  return out
}
