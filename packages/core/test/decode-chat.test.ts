import nock from 'nock'
import { describe, expect, it } from 'vitest'
import { LegacyChatClient } from '@chatbridge/core'
import type { ChatSnapshot, LineEvent } from '@chatbridge/core'
import { APP_KEY, CHAT_ID, CHAT_URI, ORIGIN, ROOT, fixture, useNock } from './support.js'

useNock()

const chatPath = `/api/account/12345678/chat/${CHAT_ID}`

async function snapshotOf(body: string, format: 'json' | 'xml'): Promise<ChatSnapshot> {
  const type = format === 'json' ? 'application/json' : 'application/xml'
  nock(ORIGIN).get(chatPath).query(true).reply(200, body, { 'content-type': type })
  const client = new LegacyChatClient({ accountRoot: ROOT, appKey: APP_KEY, format, transport: 'fetch' })
  try {
    return await client.attach(CHAT_URI).snapshot({ from: 0 })
  } finally {
    await client.close()
  }
}

function expectSeedModel(snap: ChatSnapshot): void {
  expect(snap.events.events.map((event) => [event.id, event.type])).toEqual([
    [0, 'state'],
    [1, 'line'],
    [2, 'state'],
    [3, 'line'],
  ])
  const [first, second, , fourth] = snap.events.events
  expect(first).toMatchObject({ type: 'state', state: 'waiting', time: '2017-02-27T06:24:15.424-05:00' })
  expect(second).toMatchObject({
    type: 'line',
    text: 'Thank you for choosing to chat with us.',
    textType: 'plain',
    source: 'system',
    by: 'info',
    systemMessageId: 4,
    subType: 'REGULAR',
  })
  expect((fourth as LineEvent).systemMessageId).toBe(3)

  expect(snap.links.rels()).toEqual([
    'self',
    'events',
    'info',
    'next',
    'transcript-request',
    'transcript-with-subject-request',
    'exit-survey',
    'custom-variables',
  ])
  expect(snap.links.require('next').href).toBe(`${CHAT_URI}?from=4`)
  expect(snap.events.links.require('next').href).toBe(`${CHAT_URI}/events?from=4`)

  const info = snap.info
  expect(info).toMatchObject({
    state: 'chatting',
    chatSessionKey: 'H3079121553394024223-70f331aba40b4ae58fe9e1af832e31b9K8388834',
    skillName: 'Sales',
    skillId: '25975313',
    agentName: 'Natalie',
    agentId: '25025413',
    duration: 0,
    chatTimeout: 40,
    visitorId: '1214701440733986',
    agentTyping: 'not-typing',
    visitorTyping: 'not-typing',
    visitorName: 'You',
    rtSessionId: '4294967522',
    engagementId: '27469613',
    campaignId: '26948813',
    language: 'en-US',
  })
  // Fields the model does not name are kept.
  expect(info?.raw['sharkVisitorId']).toBe('rloXnVgEQ-iQuoOytvKNqA')
  // The public example's malformed hrefs are mended: `https:/host/…` and a scheme-less `host/…`.
  expect(info?.links.require('visitor-name').href).toBe(`${CHAT_URI}/info/visitorName`)
  expect(info?.links.require('agent-typing').href).toBe(`${CHAT_URI}/info/agentTyping`)
  expect(info?.links.require('visitor-typing').href).toBe(`${CHAT_URI}/info/visitorTyping`)
}

describe('the documented chat resource example', () => {
  it('decodes from JSON, quirks included', async () => {
    expectSeedModel(await snapshotOf(fixture('seed-chat.json'), 'json'))
  })

  it('decodes from its XML equivalent into the same model', async () => {
    const fromXml = await snapshotOf(fixture('seed-chat.xml'), 'xml')
    expectSeedModel(fromXml)
    const fromJson = await snapshotOf(fixture('seed-chat.json'), 'json')
    expect(fromXml.events.events.map(({ raw: _raw, ...event }) => event)).toEqual(fromJson.events.events.map(({ raw: _raw, ...event }) => event))
  })

  it('decodes a one-event response where `event` is an object, not a list', async () => {
    const body = JSON.stringify({
      chat: {
        link: { '@href': `${CHAT_URI}?from=6`, '@rel': 'next' },
        events: {
          link: { '@href': `${CHAT_URI}/events?from=6`, '@rel': 'next' },
          event: { '@id': '5', '@type': 'line', time: '2017-02-27T06:25:00.000-05:00', textType: 'html', text: '<b>hi</b>', by: 'Natalie', source: 'agent' },
        },
      },
    })
    const snap = await snapshotOf(body, 'json')
    expect(snap.events.events).toHaveLength(1)
    expect(snap.events.events[0]).toMatchObject({ id: 5, type: 'line', textType: 'html', text: '<b>hi</b>', source: 'agent', by: 'Natalie' })
    expect(snap.links.require('next').href).toBe(`${CHAT_URI}?from=6`)
    expect(snap.info).toBeUndefined()
  })

  it('sends v=1, the app key and the format it asks for', async () => {
    const scope = nock(ORIGIN, { reqheaders: { authorization: `LivePerson appKey=${APP_KEY}`, accept: 'application/xml' } })
      .get(chatPath)
      .query({ v: '1', NC: 'true', from: '0' })
      .reply(200, fixture('seed-chat.xml'), { 'content-type': 'application/xml' })
    const client = new LegacyChatClient({ accountRoot: ROOT, appKey: APP_KEY, format: 'xml', transport: 'fetch' })
    await client.attach(CHAT_ID).snapshot({ from: 0 })
    await client.close()
    expect(scope.isDone()).toBe(true)
  })
})
