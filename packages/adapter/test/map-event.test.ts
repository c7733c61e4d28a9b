import { describe, expect, test } from 'vitest'
import type { LegacyEvent } from '../src/legacy-contract.js'
import { initialConversationModel } from '../src/conversation-model.js'
import { conversationDetails, lastUpsert, upsertIsCurrent, withUpsert } from '../src/conversation-upsert.js'
import { closeAsGone, isIdlePage, mapBatch } from '../src/map-event.js'
import { info, lineEvent, stateEvent, timeOf } from './support/legacy-builders.js'

const NOW = Date.parse('2026-01-01T12:00:00.000Z')
const fresh = () => initialConversationModel({ conversationId: 'c1', requestedSkill: 'Sales' })
const ms = (id: number): number => Date.parse(timeOf(id))

describe('mapBatch', () => {
  test('waiting opens the conversation with the consumer only; chatting adds the assigned agent', () => {
    const first = mapBatch(fresh(), [stateEvent(0, 'waiting')], info(), NOW)
    expect(first.outputs).toEqual([
      {
        kind: 'conversation',
        change: {
          type: 'UPSERT',
          result: {
            convId: 'c1',
            lastUpdateTime: ms(0),
            conversationDetails: {
              state: 'OPEN',
              stage: 'OPEN',
              skillId: '25975313',
              participants: [{ id: 'visitor-1', role: 'CONSUMER' }],
              dialogs: [{ dialogId: 'c1', dialogType: 'MAIN', channelType: 'MESSAGING', state: 'OPEN', creationTs: ms(0) }],
              startTs: ms(0),
              metaDataLastUpdateTs: ms(0),
            },
          },
        },
      },
    ])
    const second = mapBatch(first.model, [stateEvent(2, 'chatting')], info({ state: 'chatting', agentId: 'a-7', agentName: 'Natalie' }), NOW)
    expect(second.outputs).toHaveLength(1)
    const change = second.outputs[0]
    expect(change?.kind === 'conversation' && change.change.result.conversationDetails.participants).toEqual([
      { id: 'visitor-1', role: 'CONSUMER' },
      { id: 'a-7', role: 'ASSIGNED_AGENT' },
    ])
  })

  test('a requeue (back to waiting) drops the assigned agent', () => {
    const chatting = mapBatch(fresh(), [stateEvent(0, 'waiting'), stateEvent(1, 'chatting')], info({ state: 'chatting', agentId: 'a-7' }), NOW)
    const requeued = mapBatch(chatting.model, [stateEvent(2, 'waiting')], info({ state: 'waiting' }), NOW)
    const last = requeued.outputs.at(-1)
    expect(last?.kind === 'conversation' && last.change.result.conversationDetails.participants).toEqual([{ id: 'visitor-1', role: 'CONSUMER' }])
  })

  test('lines map by source; agent HTML becomes plain text with the original in metadata', () => {
    const model = mapBatch(fresh(), [stateEvent(0, 'chatting')], info({ state: 'chatting', agentId: 'a-7' }), NOW).model
    const events: LegacyEvent[] = [
      lineEvent(1, 'hi', 'visitor'),
      lineEvent(2, '<div dir="ltr">Hello <b>there</b><script>x()</script></div>', 'agent', { textType: 'html', by: 'Natalie' }),
      lineEvent(3, 'Thank you for choosing to chat with us.', 'system', { systemMessageId: 4 }),
    ]
    const { outputs } = mapBatch(model, events, info({ state: 'chatting', agentId: 'a-7' }), NOW)
    expect(outputs.map((o) => o.kind)).toEqual(['message', 'message', 'message'])
    const [visitor, agent, system] = outputs.map((o) => (o.kind === 'message' ? o.change : undefined))
    expect(visitor).toEqual({
      sequence: 1,
      originatorId: 'visitor-1',
      originatorMetadata: { id: 'visitor-1', role: 'CONSUMER' },
      serverTimestamp: ms(1),
      event: { type: 'ContentEvent', contentType: 'text/plain', message: 'hi' },
      conversationId: 'c1',
      dialogId: 'c1',
    })
    expect(agent).toMatchObject({
      sequence: 2,
      originatorMetadata: { id: 'a-7', role: 'ASSIGNED_AGENT' },
      event: { message: 'Hello there' },
      metadata: [{ type: 'LegacyHtml', html: '<div dir="ltr">Hello <b>there</b><script>x()</script></div>' }],
    })
    expect(system).toMatchObject({ sequence: 3, originatorMetadata: { role: 'CONTROLLER' }, metadata: [{ type: 'LegacySystemMessage', systemMessageId: 4 }] })
  })

  test('agent typing changes become chat-state events without sequence', () => {
    const model = mapBatch(fresh(), [stateEvent(0, 'chatting')], info({ state: 'chatting', agentId: 'a-7' }), NOW).model
    const typing = mapBatch(model, [], info({ state: 'chatting', agentId: 'a-7', agentTyping: 'typing' }), NOW)
    expect(typing.outputs).toEqual([
      {
        kind: 'message',
        change: {
          originatorId: 'a-7',
          originatorMetadata: { id: 'a-7', role: 'ASSIGNED_AGENT' },
          event: { type: 'ChatStateEvent', chatState: 'COMPOSING' },
          conversationId: 'c1',
          dialogId: 'c1',
        },
      },
    ])
    expect(mapBatch(typing.model, [], info({ state: 'chatting', agentId: 'a-7', agentTyping: 'typing' }), NOW).outputs).toEqual([])
    const stopped = mapBatch(typing.model, [], info({ state: 'chatting', agentId: 'a-7', agentTyping: 'not-typing' }), NOW)
    expect(stopped.outputs[0]?.kind === 'message' && stopped.outputs[0].change.event).toEqual({ type: 'ChatStateEvent', chatState: 'ACTIVE' })
  })

  test('close reasons: consumer, agent (systemMessageId 5), system', () => {
    const chatting = mapBatch(fresh(), [stateEvent(0, 'chatting')], info({ state: 'chatting', agentId: 'a-7' }), NOW).model
    const details = (events: LegacyEvent[], model = chatting) => {
      const out = mapBatch(model, events, info({ state: 'ended', agentId: 'a-7' }), NOW).outputs.at(-1)
      return out?.kind === 'conversation' ? out.change.result.conversationDetails : undefined
    }
    expect(details([stateEvent(5, 'ended')], { ...chatting, endedByConsumer: true })).toMatchObject({ state: 'CLOSE', stage: 'CLOSE', closeReason: 'CONSUMER', endTs: ms(5) })
    expect(details([lineEvent(4, 'The agent ended the chat', 'system', { systemMessageId: 5 }), stateEvent(5, 'ended')])).toMatchObject({ closeReason: 'AGENT' })
    expect(details([stateEvent(5, 'ended')])).toMatchObject({ closeReason: 'SYSTEM', dialogs: [{ state: 'CLOSE', endTs: ms(5) }] })
    // Info alone (a timeout without an event) still closes.
    expect(details([])).toMatchObject({ state: 'CLOSE', closeReason: 'SYSTEM', endTs: NOW })
  })

  test('a new agent while chatting is an UPSERT; url, line-status, a2a and unknown events are kept', () => {
    const chatting = mapBatch(fresh(), [stateEvent(0, 'chatting')], info({ state: 'chatting', agentId: 'a-7' }), NOW).model
    const transferred = mapBatch(chatting, [lineEvent(1, 'Transferring', 'system', { systemMessageId: 13 })], info({ state: 'chatting', agentId: 'a-9' }), NOW)
    expect(transferred.outputs.map((o) => o.kind)).toEqual(['message', 'conversation'])
    const events: LegacyEvent[] = [
      { type: 'url', id: 2, time: timeOf(2), raw: {}, url: 'https://example.com' },
      { type: 'line-status', id: 3, time: timeOf(3), raw: {}, lineStatus: 'ACCEPT', refSequenceId: 1, source: 'agent' },
      { type: 'unknown', id: 4, time: timeOf(4), raw: { '@type': 'collaboration' }, legacyType: 'collaboration' },
      { type: 'a2a-transfer', id: 5, time: timeOf(5), raw: {}, domain: 'd', remoteSiteId: '7', skill: 's', chatRequestParameters: { a2aEventId: 1 } },
    ]
    const { outputs } = mapBatch(transferred.model, events, info({ state: 'chatting', agentId: 'a-9' }), NOW)
    expect(outputs[0]).toMatchObject({ kind: 'message', change: { event: { message: 'https://example.com' }, metadata: [{ type: 'LegacyUrlPush' }] } })
    expect(outputs[1]).toMatchObject({ kind: 'message', change: { sequence: 3, event: { type: 'AcceptStatusEvent', status: 'ACCEPT', sequenceList: [1] } } })
    expect(outputs[2]).toMatchObject({ kind: 'legacy', sequence: 4, metadata: [{ type: 'LegacyEvent', legacyType: 'collaboration' }] })
    expect(outputs[3]).toMatchObject({
      kind: 'conversation',
      change: { result: { conversationDetails: { state: 'CLOSE', closeReason: 'SYSTEM', metadata: [{ type: 'LegacyA2ATransfer', remoteSiteId: '7' }] } } },
    })
  })

  test('the consumer id is fixed once: JWT sub wins, then visitorId, then one derived from the chat', () => {
    const jwt = mapBatch(initialConversationModel({ conversationId: 'c1', consumerId: 'sub-1' }), [lineEvent(0, 'x')], info(), NOW)
    expect(jwt.outputs[0]).toMatchObject({ change: { originatorId: 'sub-1' } })
    const derived = mapBatch(fresh(), [lineEvent(0, 'x')], undefined, NOW)
    expect(derived.model.consumerId).toBe('consumer-c1')
    expect(mapBatch(derived.model, [], info({ visitorId: 'later' }), NOW).model.consumerId).toBe('consumer-c1')
  })

  test('chat gone closes once with SYSTEM', () => {
    const open = mapBatch(fresh(), [stateEvent(0, 'waiting')], info(), NOW).model
    const gone = closeAsGone(open, NOW)
    expect(gone.outputs[0]).toMatchObject({ change: { result: { conversationDetails: { state: 'CLOSE', closeReason: 'SYSTEM', endTs: NOW } } } })
    expect(closeAsGone(gone.model, NOW).outputs).toEqual([])
  })
})

describe('conversation details comparison (field by field, on every poll)', () => {
  const chattingModel = () => mapBatch(fresh(), [stateEvent(0, 'chatting')], info({ state: 'chatting', agentId: 'a-7', agentName: 'Ann' }), NOW).model

  test('upsertIsCurrent: true exactly when an UPSERT now would say what the last said, metadata compared by content', () => {
    const m = chattingModel()
    const at = m.upsertedAt ?? 0
    expect(upsertIsCurrent(m, at + 5)).toBe(true)
    expect(upsertIsCurrent({ ...m, agent: { id: 'a-8', name: undefined } }, at)).toBe(false)
    // The agent's name is not in the details.
    expect(upsertIsCurrent({ ...m, agent: { id: 'a-7', name: 'Other' } }, at)).toBe(true)
    expect(upsertIsCurrent({ ...m, agent: undefined }, at)).toBe(false)
    expect(upsertIsCurrent({ ...m, skillId: 'Other' }, at)).toBe(false)
    expect(upsertIsCurrent({ ...m, consumerId: 'someone-else' }, at)).toBe(false)
    expect(upsertIsCurrent({ ...m, endTs: 5, closeReason: 'AGENT' }, at)).toBe(false)
    expect(upsertIsCurrent({ ...m, upserted: undefined }, at)).toBe(false)
    const transfer = { type: 'LegacyA2ATransfer', domain: 'd', remoteSiteId: '1', skill: 's', chatRequestParameters: undefined } as const
    const transferred = withUpsert({ ...m, transfer }, at)
    expect(upsertIsCurrent({ ...transferred, transfer: { ...transfer } }, at)).toBe(true)
    expect(upsertIsCurrent({ ...transferred, transfer: { ...transfer, skill: 't' } }, at)).toBe(false)
    expect(upsertIsCurrent({ ...transferred, transfer: undefined }, at)).toBe(false)
  })

  test('without a start time, the details take the UPSERT\'s time: a later one differs', () => {
    const unstarted = withUpsert(initialConversationModel({ conversationId: 'c1', consumerId: 'v1' }), 100)
    expect(upsertIsCurrent(unstarted, 100)).toBe(true)
    expect(upsertIsCurrent(unstarted, 200)).toBe(false)
    expect(upsertIsCurrent({ ...unstarted, startTs: 100 }, 200)).toBe(true)
  })

  test('the last UPSERT is rebuilt equal to the one emitted, and the model keeps no details', () => {
    const batch = mapBatch(fresh(), [stateEvent(0, 'chatting')], info({ state: 'chatting', agentId: 'a-7', agentName: 'Ann' }), NOW)
    const emitted = batch.outputs.filter((o) => o.kind === 'conversation').at(-1)
    expect(emitted?.kind === 'conversation' && emitted.change).toEqual(lastUpsert(batch.model))
    expect(lastUpsert(fresh())).toBeUndefined()
    expect(Object.keys(batch.model.upserted ?? {})).toEqual(['conversationId', 'consumerId', 'skillId', 'agent', 'startTs', 'endTs', 'closeReason', 'transfer'])
    expect(JSON.stringify(batch.model)).not.toContain('participants')
    expect(conversationDetails(batch.model, 1).participants).toEqual([{ id: 'visitor-1', role: 'CONSUMER' }, { id: 'a-7', role: 'ASSIGNED_AGENT' }])
  })

  test('idle polls with the same info emit no conversation change; a new agent in info does', () => {
    const chattingInfo = info({ state: 'chatting', agentId: 'a-7', agentName: 'Ann' })
    const m = chattingModel()
    const idle = mapBatch(m, [], chattingInfo, NOW + 1000)
    expect(idle.outputs).toEqual([])
    expect(mapBatch(idle.model, [], chattingInfo, NOW + 2000).outputs).toEqual([])
    const reassigned = mapBatch(idle.model, [], info({ state: 'chatting', agentId: 'a-9', agentName: 'Bo' }), NOW + 3000)
    expect(reassigned.outputs.map((o) => o.kind)).toEqual(['conversation'])
  })
})

describe('isIdlePage (the feed skips such pages)', () => {
  const chat = { state: 'chatting', agentId: 'a-7', agentName: 'Ann' } as const
  const models = () => {
    const waiting = mapBatch(fresh(), [stateEvent(0, 'waiting')], info(), NOW).model
    const chatting = mapBatch(waiting, [stateEvent(1, 'chatting')], info(chat), NOW).model
    const typing = mapBatch(chatting, [], info({ ...chat, agentTyping: 'typing' }), NOW).model
    const ended = mapBatch(chatting, [stateEvent(2, 'ended')], info({ ...chat, state: 'ended' }), NOW).model
    return [fresh(), waiting, chatting, typing, ended, { ...chatting, upserted: undefined }]
  }
  const infos = [
    undefined,
    info(),
    info(chat),
    info({ ...chat, agentTyping: 'typing' }),
    info({ ...chat, agentId: 'a-8' }),
    info({ ...chat, skillId: 'Other' }),
    info({ ...chat, state: 'ended' }),
    info({ state: 'waiting', visitorId: 'someone-else' }),
  ]

  test('true only where mapBatch maps to nothing and keeps the model', () => {
    for (const model of models()) {
      for (const page of infos) {
        if (!isIdlePage(model, [], page)) continue
        const mapped = mapBatch(model, [], page, NOW)
        expect(mapped.outputs).toEqual([])
        expect(mapped.model).toBe(model)
      }
    }
  })

  test('true for the usual idle poll of a waiting or chatting chat; never with events or before the first batch', () => {
    const [initial, waiting, chatting] = models()
    expect(isIdlePage(waiting!, [], info())).toBe(true)
    expect(isIdlePage(chatting!, [], info(chat))).toBe(true)
    expect(isIdlePage(chatting!, [], undefined)).toBe(true)
    expect(isIdlePage(chatting!, [], info({ ...chat, agentTyping: 'typing' }))).toBe(false)
    expect(isIdlePage(chatting!, [lineEvent(3, 'hi', 'agent')], info(chat))).toBe(false)
    expect(isIdlePage(initial!, [], info())).toBe(false)
  })
})

describe('originators', () => {
  test("consecutive lines of a page from one originator share its object; another originator gets its own", () => {
    const { outputs } = mapBatch(fresh(), [
      lineEvent(1, 'You are now chatting', 'system', { systemMessageId: 4 }),
      lineEvent(2, 'Thank you for choosing to chat with us.', 'system', { systemMessageId: 4 }),
      lineEvent(3, 'hi', 'visitor'),
      lineEvent(4, 'hello', 'visitor'),
      lineEvent(5, 'Hello', 'agent', { by: 'Natalie' }),
    ], info({ state: 'chatting', agentId: 'a-1' }), NOW)
    const originators = outputs.flatMap((output) => (output.kind === 'message' ? [output.change.originatorMetadata] : []))
    expect(originators.map((o) => o?.role)).toEqual(['CONTROLLER', 'CONTROLLER', 'CONSUMER', 'CONSUMER', 'ASSIGNED_AGENT'])
    expect(originators[1]).toBe(originators[0])
    expect(originators[0]).toEqual({ id: 'system-c1', role: 'CONTROLLER' })
    expect(originators[3]).toBe(originators[2])
    expect(originators[2]).not.toBe(originators[1])
    expect(originators[4]).not.toBe(originators[3])
  })

  test("an agent's lines share theirs while the agent is the same; another agent's line gets its own", () => {
    const { outputs } = mapBatch(fresh(), [
      lineEvent(1, 'one', 'agent', { by: 'Natalie' }),
      lineEvent(2, 'two', 'agent', { by: 'Natalie' }),
      lineEvent(3, 'three', 'agent', { by: 'Sam' }),
      lineEvent(4, 'four', 'agent'),
    ], undefined, NOW)
    const originators = outputs.flatMap((output) => (output.kind === 'message' ? [output.change.originatorMetadata] : []))
    expect(originators.map((o) => o?.id)).toEqual(['Natalie', 'Natalie', 'Sam', 'agent'])
    expect(originators[1]).toBe(originators[0])
    expect(originators[2]).not.toBe(originators[1])
    expect(originators[3]).not.toBe(originators[2])
  })
})
