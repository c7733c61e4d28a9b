import nock from 'nock'
import { afterEach, describe, expect, it } from 'vitest'
import type { FixtureName } from '../src/index.js'
import { fixtureNames, journeyFixtureNames, loadFixture, readFixture, recordFixture } from '../src/index.js'
import { at, formats, list, parseBody } from './helpers.js'

afterEach(() => {
  nock.cleanAll()
})

const allNames: readonly FixtureName[] = [...fixtureNames, ...journeyFixtureNames]

describe('recorded fixtures', () => {
  it.each(formats)('are what the scenarios record today (%s): regenerate with `pnpm record-fixtures`', async (format) => {
    for (const name of allNames) {
      expect(await recordFixture(name, format), `${name}.${format}`).toEqual(readFixture(name, format))
    }
  })

  const cases = allNames.flatMap((name) => formats.map((format) => [name, format] as const))

  it.each(cases)('%s (%s) loads with one call and replays through fetch', async (name, format) => {
    const fixture = loadFixture(name, { format })
    expect(fixture.accountRoot).toBe('https://chat.example.test/api/account/12345678')
    expect(fixture.chatUri).toMatch(/^https:\/\/chat\.example\.test\/api\/account\/12345678\/chat\/H\d{19}-[0-9a-f]{32}K\d{7}$/)
    let last: unknown
    for (const exchange of fixture.recording) {
      const body = exchange.body === '' || exchange.body === undefined ? undefined : typeof exchange.body === 'string' ? exchange.body : JSON.stringify(exchange.body)
      const response = await fetch(`${String(exchange.scope)}${String(exchange.path)}`, {
        method: exchange.method ?? 'GET',
        headers: { authorization: `LivePerson appKey=${fixture.appKey}`, 'content-type': `application/${format}` },
        ...(body === undefined ? {} : { body }),
      })
      expect(response.status).toBe(exchange.status)
      const text = await response.text()
      if (exchange.method === 'GET' && response.status === 200) last = parseBody(text, format)
      if (exchange.path.toString().includes('/chat/request')) expect(response.headers.get('location')).toBe(fixture.chatUri)
    }
    expect(fixture.isDone()).toBe(true)
    expect(fixture.pendingMocks()).toEqual([])
    const expectedEnd: Record<FixtureName, string> = {
      'plain-chat': 'visitor',
      'agent-html': 'visitor',
      transfer: 'visitor',
      timeout: 'timeout',
      'agent-ends': 'agent',
      'visitor-ends': 'visitor',
      'survey-chat': 'visitor',
      'authenticated-chat': 'visitor',
    }
    // Every recorded chat ends; the last chat document read shows it (agent-ends ends in a 404 after the drop).
    const state = at(last, 'chat.info.state') ?? at(last, 'info.state')
    expect(state, expectedEnd[name]).toBe('ended')
  })

  it('contain what their names promise', () => {
    const events = (name: FixtureName) =>
      readFixture(name, 'json').flatMap((exchange) => list(at(exchange.response, 'chat.events.event')))
    expect(events('agent-html').some((e) => e['textType'] === 'html' && e['source'] === 'agent')).toBe(true)
    expect(events('agent-html').some((e) => e['@type'] === 'url')).toBe(true)
    expect(events('transfer').some((e) => e['systemMessageId'] === 13)).toBe(true)
    expect(events('agent-ends').some((e) => e['systemMessageId'] === 5)).toBe(true)
    const dropped = readFixture('agent-ends', 'json').at(-1)
    expect(dropped?.status).toBe(404)
    expect(at(dropped?.response, 'error.internalCode')).toBe(12)
    const timeout = readFixture('timeout', 'json')
    expect(timeout.some((exchange) => at(exchange.response, 'chat.info.state') === 'ended')).toBe(true)
    const visitorEnds = readFixture('visitor-ends', 'xml')
    expect(visitorEnds.some((exchange) => String(exchange.path).includes('/transcriptRequest'))).toBe(true)
  })

  it('matches XML request bodies by content, not by spelling', async () => {
    const fixture = loadFixture('plain-chat', { format: 'xml' })
    const start = fixture.recording[0]
    const url = `${String(start?.scope)}${String(start?.path)}`
    const recordedBody = start?.body as string
    const respelled = `<?xml version="1.0" encoding="UTF-8"?>\n${recordedBody.replace('<request>', '<request >')}`
    expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: respelled })).status).toBe(201)
    nock.cleanAll()
    loadFixture('plain-chat', { format: 'xml' })
    const other = recordedBody.replace('Sales', 'Support')
    await expect(fetch(url, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: other })).rejects.toThrow()
  })

  it('matches request bodies unless told to accept any', async () => {
    const fixture = loadFixture('plain-chat', { bodies: 'any' })
    const start = fixture.recording[0]
    const response = await fetch(`${String(start?.scope)}${String(start?.path)}`, { method: 'POST', body: '{"request":{"skill":"Other"}}' })
    expect(response.status).toBe(201)
  })
})
