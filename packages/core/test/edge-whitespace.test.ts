// Text keeps its edge whitespace through both formats, both directions: the visitor's line as the
// server stores it, the agent's line as the client reads it, and the XML mapping on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LegacyChatClient } from '@chatbridge/core'
import type { LineEvent } from '@chatbridge/core'
import { fromXml, startLegacyChatServer, toXml } from '@chatbridge/testing'
import type { LegacyChatServer } from '@chatbridge/testing'
import { wireFormat } from '../src/wire-format.js'

const spaced = '  two leading, two trailing  '
let server: LegacyChatServer

beforeAll(async () => {
  server = await startLegacyChatServer()
})

afterAll(async () => {
  await server.close()
})

describe.each(['json', 'xml'] as const)('a line with edge whitespace, in %s', (format) => {
  it('reaches the server and comes back exactly as written', async () => {
    const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey, format })
    try {
      const chat = await client.startChat({ skill: 'Sales' })
      const control = await server.nextChat()
      control.accept({ name: 'Natalie', id: 1 })
      const lineId = await chat.addLine(spaced)
      expect(control.events.find((event) => String(event['@id']) === String(lineId))).toMatchObject({ text: spaced })
      control.say(' \tthe agent, indented\n')
      await chat.setVisitorName('   ')
      expect(await chat.visitorName()).toBe('   ')
      const lines = (await chat.snapshot({ from: 0 })).events.events.filter((event): event is LineEvent => event.type === 'line' && event.source !== 'system')
      expect(lines.map((line) => line.text)).toEqual([spaced, ' \tthe agent, indented\n'])
    } finally {
      await client.close()
    }
  })
})

describe('the XML mapping and whitespace', () => {
  const xml = wireFormat('xml')

  it('keeps a value whole, whitespace-only values included, in core and in the testing server', () => {
    const body = { event: { '@type': 'line', text: spaced, blank: '   ' } }
    const written = xml.serialize(body).text
    expect(xml.parse(written)).toEqual(body)
    expect(fromXml(written)).toEqual(body)
    expect(xml.parse(toXml(body))).toEqual(body)
  })

  it('drops the indentation of a pretty-printed document, not the values', () => {
    const pretty = '<?xml version="1.0"?>\n<events>\n  <link href="https://h/x" rel="next"/>\n  <event id="1" type="line">\n    <text>  hi  </text>\n  </event>\n  <event id="2" type="line"><text> </text></event>\n</events>\n'
    const expected = { events: { link: { '@href': 'https://h/x', '@rel': 'next' }, event: [{ '@id': '1', '@type': 'line', text: '  hi  ' }, { '@id': '2', '@type': 'line', text: ' ' }] } }
    expect(xml.parse(pretty)).toEqual(expected)
    expect(fromXml(pretty)).toEqual(expected)
  })
})
