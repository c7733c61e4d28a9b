import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { LegacyChatServer } from '../src/index.js'
import { defaultQuirks, startLegacyChatServer } from '../src/index.js'
import { at, formats, list, visitor } from './helpers.js'

let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer()
})
afterAll(() => server.close())
beforeEach(() => server.setQuirks(defaultQuirks))

const accepted = async (format: 'json' | 'xml') => {
  const v = visitor(server, format)
  const uri = await v.startChat()
  const chat = server.chat(uri.split('/').at(-1) ?? '')
  chat?.accept({ name: 'Natalie', id: 25025413 })
  return { v, uri, chat }
}

describe('quirk defaults', () => {
  it('mirror the real service', () => {
    expect(defaultQuirks).toEqual({
      singleAsObject: true,
      numbersAsStrings: false,
      linksWithoutAt: false,
      malformedHrefs: false,
      systemLines: true,
      lineStatus: false,
      xmlDeclaration: true,
      accountResource: true,
    })
  })
})

describe.each(formats)('quirk switches in %s', (format) => {
  it('singleAsObject: a one-event list is a bare object when on, a list when off', async () => {
    const { v, uri } = await accepted(format)
    const on = await v.get(`${uri}?from=3`)
    const event = at(on.doc, 'chat.events.event')
    expect(Array.isArray(event)).toBe(false)
    expect(at(event, '@id')).toBe('3')
    server.setQuirks({ singleAsObject: false })
    const off = await v.get(`${uri}/events?from=3`)
    if (format === 'json') {
      expect(Array.isArray(at(off.doc, 'events.event'))).toBe(true)
    } else {
      // XML has no list marker: one element reads the same either way.
      expect(list(at(off.doc, 'events.event'))).toHaveLength(1)
    }
  })

  it('numbersAsStrings: every number goes out as a string', async () => {
    const { v, uri } = await accepted(format)
    server.setQuirks({ numbersAsStrings: true })
    const response = await v.get(uri)
    if (format === 'json') {
      expect(at(response.doc, 'chat.info.chatTimeout')).toBe('40')
      expect(at(response.doc, 'chat.info.agentId')).toBe('25025413')
      expect(list(at(response.doc, 'chat.events.event'))[1]?.['systemMessageId']).toBe('4')
      server.setQuirks({ numbersAsStrings: false })
      const plain = await v.get(uri)
      expect(at(plain.doc, 'chat.info.chatTimeout')).toBe(40)
      expect(list(at(plain.doc, 'chat.events.event'))[1]?.['systemMessageId']).toBe(4)
    } else {
      expect(response.text).toContain('<chatTimeout>40</chatTimeout>')
    }
  })

  it('linksWithoutAt: links use href/rel', async () => {
    const { v, uri } = await accepted(format)
    server.setQuirks({ linksWithoutAt: true })
    const response = await v.get(uri)
    const first = list(at(response.doc, 'chat.link'))[0]
    expect(first).toEqual({ href: uri, rel: 'self' })
    if (format === 'xml') expect(response.text).toContain(`<link><href>${uri}</href><rel>self</rel></link>`)
  })

  it('malformedHrefs: visitor-name loses a slash and agent-typing its scheme, as in the public example', async () => {
    const { v, uri } = await accepted(format)
    server.setQuirks({ malformedHrefs: true })
    const response = await v.get(`${uri}/info`)
    const links = list(at(response.doc, 'info.link'))
    const bare = uri.replace(/^http:\/\//, '')
    expect(links.map((l) => l['@href'])).toEqual([`${uri}/info`, `http:/${bare}/info/visitorName`, `${uri}/info/visitorTyping`, `${bare}/info/agentTyping`])
  })

  it('systemLines: no system lines when off', async () => {
    server.setQuirks({ systemLines: false })
    const { v, uri, chat } = await accepted(format)
    chat?.transfer({ name: 'Bob', id: 2 })
    chat?.end()
    const response = await v.get(uri)
    expect(list(at(response.doc, 'chat.events.event')).map((e) => `${String(e['@type'])}:${String(e['state'])}`)).toEqual(['state:waiting', 'state:chatting', 'state:ended'])
  })

  it('systemLines: system messages 4, 3, 13 and 5 when on', async () => {
    const { v, uri, chat } = await accepted(format)
    chat?.transfer({ name: 'Bob', id: 2 })
    chat?.end()
    const events = list(at((await v.get(uri)).doc, 'chat.events.event'))
    expect(events.filter((e) => e['source'] === 'system').map((e) => String(e['systemMessageId']))).toEqual(['4', '3', '13', '5'])
    expect(events.at(-1)).toMatchObject({ '@type': 'state', state: 'ended' })
    const info = at((await v.get(`${uri}/info`)).doc, 'info')
    expect(at(info, 'agentName')).toBe('Bob')
  })

  it('lineStatus: a line-status event follows each visitor line', async () => {
    server.setQuirks({ lineStatus: true })
    const { v, uri } = await accepted(format)
    const added = await v.post(`${uri}/events`, v.line('hi'))
    expect(added.headers.get('location')).toBe(`${uri}/events/4`)
    const events = list(at((await v.get(`${uri}/events?from=4`)).doc, 'events.event'))
    expect(events[1]).toMatchObject({ '@id': '5', '@type': 'line-status', lineStatus: 'ACCEPT', refSequenceId: '4', source: 'visitor' })
  })

  it('xmlDeclaration: XML starts with a declaration unless switched off', async () => {
    const { v, uri } = await accepted(format)
    const withDeclaration = await v.get(`${uri}/info`)
    server.setQuirks({ xmlDeclaration: false })
    const without = await v.get(`${uri}/info`)
    if (format === 'xml') {
      expect(withDeclaration.text.startsWith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><info>')).toBe(true)
      expect(without.text.startsWith('<info>')).toBe(true)
    } else {
      expect(without.text.startsWith('{"info":')).toBe(true)
    }
  })
})
