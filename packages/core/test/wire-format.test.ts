import { describe, expect, it } from 'vitest'
import { responseFormat, wireFormat } from '../src/wire-format.js'

describe('wire formats', () => {
  it('JSON and XML parse the same document into the same shape', () => {
    const json = wireFormat('json').parse('{"info":{"state":"chatting","@id":"1"}}')
    const xml = wireFormat('xml').parse('<?xml version="1.0"?><info id="1"><state>chatting</state></info>')
    expect(xml).toEqual(json)
  })

  it('serialise a body in their media type; XML sends a body with several top-level fields as JSON', () => {
    expect(wireFormat('json').serialize({ a: 1 })).toEqual({ mediaType: 'application/json', text: '{"a":1}' })
    expect(wireFormat('xml').serialize({ visitorName: 'Ann' })).toEqual({ mediaType: 'application/xml', text: '<?xml version="1.0" encoding="UTF-8"?><visitorName>Ann</visitorName>' })
    expect(wireFormat('xml').serialize({ email: 'a@b.c', timezoneOffset: 0 }).mediaType).toBe('application/json')
  })

  it('XML refuses a DOCTYPE and malformed documents', () => {
    expect(() => wireFormat('xml').parse('<!DOCTYPE x []><x/>')).toThrow(/DOCTYPE/)
    expect(() => wireFormat('xml').parse('<a>1</b>')).toThrow()
  })

  it("a response is read in the format its Content-Type names, else the one asked for", () => {
    const json = wireFormat('json')
    const xml = wireFormat('xml')
    expect(responseFormat('application/json; charset=utf-8', xml)).toBe(json)
    expect(responseFormat('text/xml', json)).toBe(xml)
    expect(responseFormat('text/plain', xml)).toBe(xml)
    expect(responseFormat(null, json)).toBe(json)
  })
})
