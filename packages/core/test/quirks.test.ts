import nock from 'nock'
import { describe, expect, it } from 'vitest'
import { LegacyChatClient } from '@chatbridge/core'
import type { ChatSnapshot } from '@chatbridge/core'
import { APP_KEY, CHAT_ID, CHAT_URI, ORIGIN, ROOT, useNock } from './support.js'

useNock()

const chatPath = `/api/account/12345678/chat/${CHAT_ID}`

async function read(body: unknown, format: 'json' | 'xml' = 'json'): Promise<ChatSnapshot> {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  nock(ORIGIN)
    .get(chatPath)
    .query(true)
    .reply(200, text, { 'content-type': format === 'json' ? 'application/json' : 'application/xml' })
  const client = new LegacyChatClient({ accountRoot: ROOT, appKey: APP_KEY, format, transport: 'fetch' })
  try {
    return await client.attach(CHAT_URI).snapshot()
  } finally {
    await client.close()
  }
}

describe('leniency for the quirks of the legacy service', () => {
  it('reads a missing `event` as no events', async () => {
    const snap = await read({ chat: { events: { link: [{ '@href': `${CHAT_URI}/events?from=7`, '@rel': 'next' }] } } })
    expect(snap.events.events).toEqual([])
    expect(snap.events.links.require('next').href).toBe(`${CHAT_URI}/events?from=7`)
  })

  it('reads one-element link lists given as bare objects', async () => {
    const snap = await read({
      chat: {
        link: { '@href': `${CHAT_URI}?from=1`, '@rel': 'next' },
        info: { state: 'waiting', link: { '@href': `${CHAT_URI}/info/agentTyping`, '@rel': 'agent-typing' } },
      },
    })
    expect(snap.links.rels()).toEqual(['next'])
    expect(snap.info?.links.require('agent-typing').href).toBe(`${CHAT_URI}/info/agentTyping`)
  })

  it('reads numbers sent as strings', async () => {
    const snap = await read({
      chat: {
        events: { event: [{ '@id': '3', '@type': 'line', text: 'x', source: 'system', systemMessageId: '4' }] },
        info: { state: 'chatting', chatTimeout: '40', duration: '12', agentId: 25025413, skillId: '25975313' },
      },
    })
    expect(snap.events.events[0]).toMatchObject({ id: 3, systemMessageId: 4 })
    expect(snap.info).toMatchObject({ chatTimeout: 40, duration: 12, agentId: '25025413', skillId: '25975313' })
  })

  it('reads links spelt `href`/`rel` without `@`', async () => {
    const snap = await read({ chat: { link: [{ href: `${CHAT_URI}/events`, rel: 'events' }] } })
    expect(snap.links.require('events').href).toBe(`${CHAT_URI}/events`)
  })

  it('mends malformed hrefs against the document they came in, and keeps links’ own query strings', async () => {
    const snap = await read({
      chat: {
        link: [
          { '@href': `https:/va.chat.example/api/account/12345678/chat/${CHAT_ID}/info`, '@rel': 'info' },
          { '@href': `va.chat.example/api/account/12345678/chat/${CHAT_ID}/events`, '@rel': 'events' },
          { '@href': `/api/account/12345678/chat/${CHAT_ID}?from=9&lang=en`, '@rel': 'next' },
          { '@href': '', '@rel': 'broken' },
        ],
      },
    })
    expect(snap.links.require('info').href).toBe(`${CHAT_URI}/info`)
    expect(snap.links.require('events').href).toBe(`${CHAT_URI}/events`)
    expect(snap.links.require('next').href).toBe(`${CHAT_URI}?from=9&lang=en`)
    expect(snap.links.has('broken')).toBe(false)
  })

  it('keeps unknown event types and unknown fields instead of dropping them', async () => {
    const snap = await read({
      chat: {
        events: {
          event: [
            { '@id': '0', '@type': 'collaboration', time: 't', channelID: 'c1' },
            { '@id': '1', '@type': 'line', text: 'hi', source: 'visitor', mood: 'happy' },
          ],
        },
      },
    })
    expect(snap.events.events[0]).toMatchObject({ id: 0, type: 'unknown', legacyType: 'collaboration' })
    expect(snap.events.events[0]?.raw['channelID']).toBe('c1')
    expect(snap.events.events[1]?.raw['mood']).toBe('happy')
  })

  it('decodes url, line-status and a2a-transfer events', async () => {
    const snap = await read({
      chat: {
        events: {
          event: [
            { '@id': '4', '@type': 'url', url: 'https://example.com/offer' },
            { '@id': '5', '@type': 'line-status', lineStatus: 'ACCEPT', refSequenceId: '11', metadata: [], source: 'visitor' },
            {
              '@id': '6',
              '@type': 'a2a-transfer',
              domain: 'base.liveperson.net',
              remoteSiteId: 70648893,
              chatRequestParameters: { a2aEventId: 467, a2aSourceSessionId: 8396550, a2aSourceSiteId: 81992017, skill: 'test' },
            },
          ],
        },
      },
    })
    expect(snap.events.events).toMatchObject([
      { type: 'url', url: 'https://example.com/offer' },
      { type: 'line-status', lineStatus: 'ACCEPT', refSequenceId: 11, source: 'visitor' },
      { type: 'a2a-transfer', domain: 'base.liveperson.net', remoteSiteId: '70648893', skill: 'test' },
    ])
  })

  it('sorts events a server sent out of order', async () => {
    const snap = await read({
      chat: { events: { event: [{ '@id': '2', '@type': 'state', state: 'chatting' }, { '@id': '1', '@type': 'state', state: 'waiting' }] } },
    })
    expect(snap.events.events.map((event) => event.id)).toEqual([1, 2])
  })

  it('reads XML where sections are empty and a single event is not a list', async () => {
    const xml = `<?xml version="1.0"?><chat><link href="${CHAT_URI}?from=1" rel="next"/><events/><info><state>waiting</state><chatTimeout>40</chatTimeout></info></chat>`
    const snap = await read(xml, 'xml')
    expect(snap.events.events).toEqual([])
    expect(snap.info).toMatchObject({ state: 'waiting', chatTimeout: 40 })

    const one = `<chat><events><event id="7" type="line"><text>a &lt;b&gt;bold&lt;/b&gt; &amp; &#65;</text><textType>html</textType><source>agent</source></event></events></chat>`
    const single = await read(one, 'xml')
    expect(single.events.events).toMatchObject([{ id: 7, type: 'line', text: 'a <b>bold</b> & A', textType: 'html' }])
  })
})
