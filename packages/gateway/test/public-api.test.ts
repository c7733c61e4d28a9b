import { expect, expectTypeOf, test } from 'vitest'
import * as gateway from '../src/index.js'
import type { ConsumerIdentity, GatewaySession, SessionFactory, SessionSink } from '../src/index.js'

test('the public surface exports exactly these values', () => {
  expect(Object.keys(gateway).sort()).toEqual(['CloseCode', 'ConsumerRegistry', 'GatewayError', 'legacySessions', 'startGateway'])
})

test('the session port stays this small', () => {
  expectTypeOf<GatewaySession>().toEqualTypeOf<{ receive(text: string): void; close(): void }>()
  expectTypeOf<keyof SessionSink>().toEqualTypeOf<'send' | 'error'>()
  expectTypeOf<keyof Parameters<SessionFactory['open']>[1]>().toEqualTypeOf<'consumer' | 'verify' | 'onAuthenticated'>()
  expectTypeOf<keyof ConsumerIdentity>().toEqualTypeOf<'consumerId' | 'accountId' | 'authenticated' | 'expiresAt'>()
})
