import type { LegacyEvent, LegacyInfo, LegacySnapshot } from '../../src/legacy-contract.js'

const T0 = Date.parse('2026-01-01T10:00:00.000Z')

/** ISO time of event `id`: one second apart from a fixed origin. */
export function timeOf(id: number): string {
  return new Date(T0 + id * 1000).toISOString()
}

export function stateEvent(id: number, state: string): LegacyEvent {
  return { type: 'state', id, time: timeOf(id), raw: { '@id': String(id), '@type': 'state', state }, state }
}

export function lineEvent(
  id: number,
  text: string,
  source: 'visitor' | 'agent' | 'system' = 'visitor',
  extra: { textType?: string; by?: string; systemMessageId?: number } = {},
): LegacyEvent {
  return {
    type: 'line',
    id,
    time: timeOf(id),
    raw: { '@id': String(id), '@type': 'line', text, source },
    text,
    textType: extra.textType ?? 'plain',
    source,
    by: extra.by ?? (source === 'system' ? 'info' : source),
    systemMessageId: extra.systemMessageId,
    subType: 'REGULAR',
  }
}

export function info(overrides: Partial<LegacyInfo> = {}): LegacyInfo {
  return {
    state: 'waiting',
    skillName: 'Sales',
    skillId: '25975313',
    agentName: undefined,
    agentId: undefined,
    startTime: timeOf(0),
    chatTimeout: 40,
    visitorId: 'visitor-1',
    agentTyping: 'not-typing',
    ...overrides,
  }
}

/** A chat snapshot with the given events; its `next` link points past the last one. */
export function snapshot(events: readonly LegacyEvent[], infoSection: LegacyInfo | undefined = info(), base = 'http://chat.test/chat/c1'): LegacySnapshot {
  const last = events.at(-1)
  const next = new URL(`${base}?from=${last === undefined ? 0 : last.id + 1}`)
  return {
    links: { get: (rel: string) => (rel === 'next' ? new URL(next) : undefined) },
    events: { events },
    info: infoSection,
  }
}
