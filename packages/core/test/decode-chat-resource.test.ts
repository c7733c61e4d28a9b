import { describe, expect, it } from 'vitest'
import { DecodeError, decodeChatResource } from '@chatbridge/core'
import { CHAT_URI, fixture } from './support.js'

describe('decodeChatResource', () => {
  it('decodes JSON and XML text into the same model as a snapshot', () => {
    const fromJson = decodeChatResource(fixture('seed-chat.json'), { uri: CHAT_URI })
    const fromXml = decodeChatResource(fixture('seed-chat.xml'), { uri: CHAT_URI, format: 'xml' })
    expect(fromJson.events.events.map((event) => event.id)).toEqual([0, 1, 2, 3])
    expect(fromXml.info?.agentName).toBe(fromJson.info?.agentName)
    expect(fromXml.links.require('next').href).toBe(`${CHAT_URI}?from=4`)
  })

  it('throws a DecodeError for text that is not a chat resource', () => {
    expect(() => decodeChatResource('{"events":{}}', { uri: CHAT_URI })).toThrow(DecodeError)
    expect(() => decodeChatResource('<chat>', { uri: CHAT_URI, format: 'xml' })).toThrow(/not well-formed XML/)
  })
})
