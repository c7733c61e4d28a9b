import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChatGoneError, HttpError, LegacyChatClient } from '@chatbridge/core'
import type { ChatSnapshot, LineEvent } from '@chatbridge/core'
import { startLegacyChatServer } from '@chatbridge/testing'
import type { LegacyChatServer } from '@chatbridge/testing'

let server: LegacyChatServer

beforeAll(async () => {
  server = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
})

afterAll(async () => {
  await server.close()
})

describe.each(['json', 'xml'] as const)('a whole chat against the legacy chat server, in %s', (format) => {
  it('starts, polls `next`, talks both ways, sets typing and name, asks a transcript, ends', async () => {
    const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey, format })
    try {
      const chat = await client.startChat({ skill: 'Sales' })
      const control = await server.nextChat()
      expect(chat.conversationId).toBe(control.id)

      let snap = await chat.snapshot({ from: 0 })
      expect(snap.events.events[0]).toMatchObject({ id: 0, type: 'state', state: 'waiting' })
      expect(snap.info?.state).toBe('waiting')

      // The service refuses lines until an agent accepts.
      const refused = await chat.addLine('anyone there?').catch((error: unknown) => error)
      expect(refused).toBeInstanceOf(HttpError)
      expect(refused).toMatchObject({ status: 400, internalCode: 5 })

      control.accept({ name: 'Natalie', id: 25025413 })
      snap = await follow(chat, snap)
      expect(snap.events.events.map((event) => event.type)).toContain('state')
      expect(snap.info).toMatchObject({ state: 'chatting', agentName: 'Natalie', agentId: '25025413' })

      const lineId = await chat.addLine('hello')
      expect(lineId).toBeTypeOf('number')
      expect(control.events.find((event) => String(event['@id']) === String(lineId))).toMatchObject({ text: 'hello', source: 'visitor' })

      control.typing(true)
      expect(await chat.agentTyping()).toBe('typing')
      control.say('<p>Hi <b>there</b></p>', { html: true })
      snap = await follow(chat, snap)
      const agentLine = snap.events.events.find((event): event is LineEvent => event.type === 'line' && event.source === 'agent')
      expect(agentLine).toMatchObject({ textType: 'html', text: '<p>Hi <b>there</b></p>' })
      // Events already read do not come again through `next`.
      expect(snap.events.events.some((event) => event.id === lineId)).toBe(true)
      const again = await follow(chat, snap)
      expect(again.events.events).toEqual([])

      await chat.setVisitorTyping('typing')
      expect(control.visitorTyping).toBe('typing')
      await chat.setVisitorName('Ann')
      expect(await chat.visitorName()).toBe('Ann')
      await chat.requestTranscript({ email: 'ann@example.com' })
      await chat.requestTranscript({ email: 'ann@example.com', subject: 'Our chat' })
      expect(control.transcriptRequests).toHaveLength(2)

      await chat.end()
      expect(control.state).toBe('ended')
      snap = await follow(chat, again)
      expect(snap.events.events.at(-1)).toMatchObject({ type: 'state', state: 'ended' })

      // A resumed session reads the same chat by its id.
      const resumed = client.attach(chat.conversationId)
      expect((await resumed.snapshot({ from: 0 })).events.events.length).toBeGreaterThan(4)

      server.drop(control.id)
      const gone = await resumed.snapshot().catch((error: unknown) => error)
      expect(gone).toBeInstanceOf(ChatGoneError)
    } finally {
      await client.close()
    }
  })
})

async function follow(chat: { followNext(next: URL): Promise<ChatSnapshot> }, from: ChatSnapshot): Promise<ChatSnapshot> {
  return chat.followNext(from.links.require('next'))
}
