// A plain system line's metadata is one frozen array per systemMessageId, shared by every chat.
import { describe, expect, test } from 'vitest'
import { initialConversationModel } from '../src/conversation-model.js'
import { mapBatch } from '../src/map-event.js'
import type { ChangeMetadata } from '../src/messaging-types.js'
import { info, lineEvent } from './support/legacy-builders.js'

const NOW = 1_700_000_000_000

function metadataOf(conversationId: string, systemMessageId: number | undefined, textType = 'plain'): readonly ChangeMetadata[] | undefined {
  const line = lineEvent(1, 'You are now chatting with Natalie.', 'system', { textType, ...(systemMessageId === undefined ? {} : { systemMessageId }) })
  const { outputs } = mapBatch(initialConversationModel({ conversationId }), [line], info({ state: 'chatting' }), NOW)
  const message = outputs.find((output) => output.kind === 'message')
  if (message?.kind !== 'message' || !('metadata' in message.change)) throw new Error('no message with metadata mapped')
  return message.change.metadata
}

describe('system line metadata', () => {
  test('two chats share the array of the same systemMessageId; another id has its own', () => {
    const a = metadataOf('c1', 4)
    expect(a).toEqual([{ type: 'LegacySystemMessage', systemMessageId: 4 }])
    expect(metadataOf('c2', 4)).toBe(a)
    expect(metadataOf('c2', 3)).not.toBe(a)
    expect(metadataOf('c3', undefined)).toEqual([{ type: 'LegacySystemMessage', systemMessageId: undefined }])
  })

  test('the shared array and its entry are frozen: changing them throws rather than changing every chat', () => {
    const shared = metadataOf('c1', 4) as unknown as { type: string }[]
    expect(() => shared.push({ type: 'x' })).toThrow(TypeError)
    expect(() => {
      shared[0]!.type = 'changed'
    }).toThrow(TypeError)
    expect(metadataOf('c2', 4)).toEqual([{ type: 'LegacySystemMessage', systemMessageId: 4 }])
  })

  test('a system line with HTML keeps arrays of its own, the HTML first', () => {
    const html = metadataOf('c1', 4, 'html')
    expect(html).toEqual([
      { type: 'LegacyHtml', html: 'You are now chatting with Natalie.' },
      { type: 'LegacySystemMessage', systemMessageId: 4 },
    ])
    expect(metadataOf('c2', 4, 'html')).not.toBe(html)
    expect(Object.isFrozen(html)).toBe(false)
  })
})
