import { describe, expect, test } from 'vitest'
import { Connection } from '../src/connection.js'
import { FakeClient } from './support/fake-chat.js'
import { fastConfig } from './support/fast-config.js'

describe('Connection on a fake legacy client', () => {
  test('chat requests: skill ids through the skill map, -1 as no skill, campaign and context fields, interactionTimeout', async () => {
    const fake = new FakeClient()
    const connection = new Connection(fake, { ...fastConfig, skillMap: { '1234': 'Sales' }, interactionTimeoutS: 120 })
    await connection.requestConversation({ skillId: '1234', campaignInfo: { campaignId: 7, engagementId: 8 }, conversationContext: { visitorId: 'v', sessionId: 's', lang: 'en-US' } })
    await connection.requestConversation({ skillId: '-1' })
    await connection.requestConversation({ skillId: 'Support' })
    expect(fake.requests).toEqual([
      { skill: 'Sales', interactionTimeout: 120, campaignId: 7, engagementId: 8, LETagVisitorId: 'v', LETagSessionId: 's', language: 'en-US' },
      { interactionTimeout: 120 },
      { skill: 'Support', interactionTimeout: 120 },
    ])
    await connection.close()
  })

  test('after close every command rejects with E_CLOSED and streams complete', async () => {
    const fake = new FakeClient()
    const connection = new Connection(fake, fastConfig)
    const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
    const states: string[] = []
    connection.state$.subscribe((state) => states.push(state.status))
    await connection.close()
    expect(states.at(-1)).toBe('closed')
    await expect(connection.requestConversation()).rejects.toMatchObject({ code: 'E_CLOSED' })
    await expect(connection.publishEvent(conversationId, { type: 'ContentEvent', contentType: 'text/plain', message: 'x' })).rejects.toMatchObject({ code: 'E_CLOSED' })
    let completed = false
    connection.conversations$().subscribe({ complete: () => (completed = true) })
    expect(completed).toBe(true)
    expect(fake.closed).toBe(false)
  })
})
