import { describe, expect, expectTypeOf, test } from 'vitest'
import * as core from '@chatbridge/core'
import type {
  ChatBridgeErrorCode,
  ChatEvent,
  ChatSession,
  ChatSnapshot,
  LegacyChatClientOptions,
  Links,
  RequestOptions,
  TransportOptions,
} from '@chatbridge/core'

describe("core's public surface", () => {
  test('exports exactly these values', () => {
    expect(Object.keys(core).sort()).toEqual(
      [
        'AbortedError',
        'BodyTooLargeError',
        'ChatBridgeError',
        'ChatGoneError',
        'ChatSession',
        'DecodeError',
        'ForeignOriginError',
        'HttpError',
        'InvalidArgumentError',
        'LegacyChatClient',
        'LegacyInternalCode',
        'Links',
        'NetworkError',
        'RelationMissingError',
        'TimeoutError',
        'conversationIdOf',
        'decodeChatResource',
        'findAccountRoot',
        'redactUri',
        'trustedNextLink',
      ].sort(),
    )
  })

  test('the client options are the transport options plus where and with which key', () => {
    expectTypeOf<LegacyChatClientOptions>().toExtend<TransportOptions>()
    expectTypeOf<LegacyChatClientOptions['accountRoot']>().toEqualTypeOf<string | URL>()
    expectTypeOf<Required<TransportOptions>['transport']>().toEqualTypeOf<'fetch' | 'request'>()
    expectTypeOf<Required<TransportOptions>['allowedOrigins']>().toEqualTypeOf<readonly string[]>()
  })

  test('sessions are made by the client only: the published types have no constructor', () => {
    // @ts-expect-error the constructor is private
    const make = (): ChatSession => new core.ChatSession()
    expect(typeof make).toBe('function')
  })

  test('the poll: followNext takes a URL, and trustedNextLink decides which', () => {
    expectTypeOf<ChatSession['followNext']>().toEqualTypeOf<(next: URL, options?: RequestOptions) => Promise<ChatSnapshot>>()
    expectTypeOf(core.trustedNextLink).toEqualTypeOf<(links: Pick<Links, 'get'>, from: number) => URL | undefined>()
  })

  test('errors carry stable codes; events are a readonly discriminated union', () => {
    expectTypeOf<core.HttpError['code']>().toEqualTypeOf<'E_HTTP' | 'E_CHAT_GONE'>()
    expectTypeOf<core.ChatGoneError['code']>().toEqualTypeOf<'E_CHAT_GONE'>()
    expectTypeOf<'E_DECODE'>().toExtend<ChatBridgeErrorCode>()
    expectTypeOf<typeof core.LegacyInternalCode.ChatNotFound>().toEqualTypeOf<12>()
    expectTypeOf<ChatEvent['type']>().toEqualTypeOf<'state' | 'line' | 'url' | 'a2a-transfer' | 'line-status' | 'unknown'>()
    // @ts-expect-error events are readonly
    const assign = (event: ChatEvent): void => void (event.id = 1)
    expect(typeof assign).toBe('function')
  })
})
