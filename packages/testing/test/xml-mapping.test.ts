import { describe, expect, it } from 'vitest'
import { fromXml, toXml } from '../src/index.js'

describe('XML mapping (§14)', () => {
  it('maps @keys to attributes, other keys to elements, arrays to repeated elements, the top key to the root', () => {
    const xml = toXml(
      { events: { link: [{ '@href': 'https://h/x?a=1&b=2', '@rel': 'self' }, { '@href': 'https://h/y', '@rel': 'next' }], event: [{ '@id': '0', '@type': 'line', text: '<b>hi</b> & "bye"', systemMessageId: 4 }] } },
      { declaration: false },
    )
    expect(xml).toBe(
      '<events><link href="https://h/x?a=1&amp;b=2" rel="self"/><link href="https://h/y" rel="next"/>' +
        '<event id="0" type="line"><text>&lt;b&gt;hi&lt;/b&gt; &amp; &quot;bye&quot;</text><systemMessageId>4</systemMessageId></event></events>',
    )
  })

  it('reads XML back into the JSON shape, every value a string', () => {
    expect(fromXml('<?xml version="1.0"?><event type="line"><text>a &amp; &lt;b&gt;</text><n>007</n></event>')).toEqual({ event: { '@type': 'line', text: 'a & <b>', n: '007' } })
  })

  it('adds the declaration by default and refuses malformed XML', () => {
    expect(toXml({ info: { state: 'chatting' } })).toBe('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><info><state>chatting</state></info>')
    expect(() => fromXml('<a>1</b>')).toThrow(SyntaxError)
    expect(() => fromXml('<a>1</a')).toThrow(SyntaxError)
  })

  it('keeps edge and whitespace-only values, drops only the indentation between elements', () => {
    const document = { event: { '@type': 'line', text: '  two leading, two trailing  ', blank: '  ' } }
    expect(fromXml(toXml(document))).toEqual(document)
    expect(fromXml('<info>\n  <state> chatting </state>\n  <agentName>\n  </agentName>\n</info>\n')).toEqual({ info: { state: ' chatting ', agentName: '\n  ' } })
  })
})
