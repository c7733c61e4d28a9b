import type { ChatSession, LegacyChatClient } from '@chatbridge/core'
import { describe, expect, expectTypeOf, test } from 'vitest'
import * as adapter from '../src/index.js'
import type { ChatClientPort, ChatSessionPort, ConnectionState, MessagingEventChange, MessagingSocket, SequencedEventChange } from '../src/index.js'

describe('the public surface', () => {
  test('exports exactly these values', () => {
    expect(Object.keys(adapter).sort()).toEqual(
      [
        'AdapterError',
        'Connection',
        'MessagingSocket',
        'RequestRefusedError',
        'SocketSession',
        'createMessagingSocket',
        'isLeaseLost',
        'MemoryConversationStore',
        'MemoryConversationRelay',
        'answerRelayCommand',
        'relayedError',
      ].sort(),
    )
  })

  test("core's client and sessions fit the ports the adapter is built on", () => {
    expectTypeOf<ChatSession>().toExtend<ChatSessionPort>()
    expectTypeOf<LegacyChatClient>().toExtend<ChatClientPort>()
  })

  test('values are readonly discriminated unions', () => {
    expectTypeOf<ConnectionState['status']>().toEqualTypeOf<'connecting' | 'live' | 'backing-off' | 'closed'>()
    expectTypeOf<Extract<MessagingEventChange, { sequence: number }>>().toEqualTypeOf<SequencedEventChange>()
    // @ts-expect-error changes are readonly
    const assign = (change: SequencedEventChange): void => void (change.sequence = 1)
    expect(typeof assign).toBe('function')
  })

  test('the socket fits code typed for a browser-style WebSocket', () => {
    interface BrowserStyleSocket {
      readonly readyState: number
      onopen: ((event: { type: string }) => void) | null
      onmessage: ((event: { type: string; data: string }) => void) | null
      onclose: ((event: { type: string; code: number; reason: string; wasClean: boolean }) => void) | null
      onerror: ((event: { type: string }) => void) | null
      send(data: string): void
      close(code?: number, reason?: string): void
      addEventListener(type: 'message', listener: (event: { data: string }) => void): void
    }
    expectTypeOf<MessagingSocket>().toExtend<BrowserStyleSocket>()
  })
})
