// Which format each request body goes in with `format: 'xml'`: one top-level key → XML; the
// transcript's `email` + `timezoneOffset` (no root element under the mapping) → JSON, read by the
// server all the same, while the answer is still asked for in XML.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LegacyChatClient } from '@chatbridge/core'
import { startLegacyChatServer } from '@chatbridge/testing'
import type { LegacyChatServer } from '@chatbridge/testing'

let server: LegacyChatServer

beforeAll(async () => {
  server = await startLegacyChatServer()
})

afterAll(async () => {
  await server.close()
})

describe('request bodies in XML mode', () => {
  it('sends one-root bodies as XML and the multi-field transcript as JSON, which the server reads', async () => {
    const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey, format: 'xml' })
    try {
      const chat = await client.startChat({ skill: 'Sales' })
      const control = await server.nextChat()
      control.accept({ name: 'Natalie', id: 1 })
      await chat.setVisitorName('Ann')
      await chat.requestTranscript({ email: 'ann@example.com', timezoneOffsetMs: -7_200_000 })
      expect(control.transcriptRequests).toEqual([{ email: 'ann@example.com', timezoneOffset: -7_200_000 }])
      const sent = server.requests.entries.filter((entry) => entry.chatId === control.id && entry.effectiveMethod === 'PUT')
      expect(sent.map((entry) => [entry.route, entry.headers['content-type']?.split(';')[0], entry.headers['accept']])).toEqual([
        ['visitor-name', 'application/xml', 'application/xml'],
        ['transcript-request', 'application/json', 'application/xml'],
      ])
    } finally {
      await client.close()
    }
  })
})
