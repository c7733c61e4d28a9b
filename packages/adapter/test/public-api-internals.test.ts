// The unstable `@chatbridge/adapter/internals` entry point: what it holds, and that it is the one the
// package exports (so the bench and power users reach it by name, never by a path into dist/).
import { readFileSync } from 'node:fs'
import { describe, expect, expectTypeOf, test } from 'vitest'
import * as internals from '@chatbridge/adapter/internals'
import type { ConversationModel, MappedOutput } from '@chatbridge/adapter/internals'
import type { MessagingEventChange } from '../src/index.js'

describe('the internals entry point', () => {
  test('exports exactly these values', () => {
    expect(Object.keys(internals).sort()).toEqual(['decideRetry', 'initialConversationModel', 'mapBatch', 'pollChat', 'sessionSupplier', 'followerPoller', 'publishingSupplier', 'relaySupplier', 'watchMessagingEvents', 'NO_ITEMS', 'countOf', 'firstOf', 'has', 'itemsOf', 'withItem', 'withoutItem'].sort())
  })

  test('is a subpath export of the package, built like the main one', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, unknown> }
    expect(manifest.exports['./internals']).toEqual({
      '@chatbridge/source': './src/internals.ts',
      types: './dist/internals.d.ts',
      default: './dist/internals.js',
    })
  })

  test('maps a batch from an initial model', () => {
    const model = internals.initialConversationModel({ conversationId: 'c1' })
    expectTypeOf(model).toEqualTypeOf<ConversationModel>()
    const { model: next, outputs } = internals.mapBatch(model, [], undefined, 0)
    expectTypeOf(outputs).toEqualTypeOf<readonly MappedOutput[]>()
    expectTypeOf<Extract<MappedOutput, { kind: 'message' }>['change']>().toEqualTypeOf<MessagingEventChange>()
    // Nothing read yet: no changes, but the consumer id is fixed on the first batch.
    expect(outputs).toEqual([])
    expect(next.consumerId).toBe('consumer-c1')
  })
})
