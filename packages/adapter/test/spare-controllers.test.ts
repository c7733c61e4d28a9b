// The poll loops' spare AbortControllers: lent per request, taken back only when nothing of the last request can fire.
import { LegacyChatClient } from '@chatbridge/core'
import { type LegacyChatServer, startLegacyChatServer } from '@chatbridge/testing'
import { getEventListeners } from 'node:events'
import { filter, firstValueFrom, take, toArray } from 'rxjs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { pollChat, sessionSupplier } from '../src/chat-poller.js'
import { resolveConnectionOptions } from '../src/connection-options.js'
import type { PollCursor } from '../src/poll-cursor.js'
import { lendController, spareControllerCount, takeBackController } from '../src/spare-controllers.js'
import { fastConfig } from './support/fast-config.js'

describe('spare controllers', () => {
  test('a controller taken back clean is lent again; an aborted one, or one with a listener left, never is', () => {
    const clean = lendController()
    takeBackController(clean)
    expect(lendController()).toBe(clean)

    const aborted = lendController()
    aborted.abort()
    takeBackController(aborted)
    const listened = lendController()
    listened.signal.addEventListener('abort', () => undefined)
    takeBackController(listened)
    const before = spareControllerCount()
    const next = lendController()
    expect(next).not.toBe(aborted)
    expect(next).not.toBe(listened)
    expect(next.signal.aborted).toBe(false)
    expect(spareControllerCount()).toBe(Math.max(0, before - 1))
  })
})

describe('spare controllers under core', () => {
  let server: LegacyChatServer
  beforeAll(async () => {
    server = await startLegacyChatServer()
  })
  afterAll(async () => {
    await server.close()
  })

  test('core leaves no listener on a settled poll\'s signal: one controller serves poll after poll, and waits as a spare between them', async () => {
    const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey })
    const session = await client.startChat({ skill: 'Sales' })
    ;(await server.nextChat()).accept({ name: 'Natalie', id: 7 })
    const inner = sessionSupplier(session)
    const signals: AbortSignal[] = []
    const supplier = Object.assign((cursor: PollCursor) => inner(cursor), {
      fetchPage: (cursor: PollCursor, signal: AbortSignal) => {
        signals.push(signal)
        return inner.fetchPage(cursor, signal)
      },
    })
    const pages = pollChat(supplier, { from: 0, next: undefined }, resolveConnectionOptions(fastConfig).poller).pipe(
      filter((output) => output.kind === 'page'),
      take(4),
      toArray(),
    )
    expect(await firstValueFrom(pages)).toHaveLength(4)
    expect(new Set(signals).size).toBe(1)
    const [signal] = signals
    expect(signal?.aborted).toBe(false)
    expect(getEventListeners(signal!, 'abort')).toEqual([])
    expect(spareControllerCount()).toBeGreaterThanOrEqual(1)
    await client.close()
  })
})
