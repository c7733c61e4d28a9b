import { LegacyChatClient } from '@chatbridge/core'
import { type LegacyChatServer, startLegacyChatServer } from '@chatbridge/testing'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { Connection, MemoryConversationStore } from '../src/index.js'
import { fastConfig } from './support/fast-config.js'
import { Recorder } from './support/recorder.js'
import { runRestartScenario } from './support/restart-scenario.js'

let server: LegacyChatServer
beforeAll(async () => {
  server = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
})
afterAll(async () => {
  await server.close()
})

test('a conversation continues on a new connection with the same store: queued lines sent, an open line settled from the log, each posted once', async () => {
  const store = new MemoryConversationStore()
  await runRestartScenario(server, () => store)
})

/** A memory store that counts fenced writes and, once `revoke()` was called, refuses them as a lost lease. */
class CountingStore extends MemoryConversationStore {
  cursorWrites = 0
  outboundWrites = 0
  #revoked = false
  revoke(): void {
    this.#revoked = true
  }
  override saveCursor(...args: Parameters<MemoryConversationStore['saveCursor']>): Promise<void> {
    this.cursorWrites++
    return this.#revoked ? Promise.reject(Object.assign(new Error('lease lost'), { code: 'E_LEASE_LOST' })) : super.saveCursor(...args)
  }
  override saveOutbound(...args: Parameters<MemoryConversationStore['saveOutbound']>): Promise<void> {
    this.outboundWrites++
    return this.#revoked ? Promise.reject(Object.assign(new Error('lease lost'), { code: 'E_LEASE_LOST' })) : super.saveOutbound(...args)
  }
}

test('idle polls write nothing; a write refused for a lost lease closes the conversation on this connection and no line is posted', async () => {
  const store = new CountingStore()
  const connection = new Connection(new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey }), { ...fastConfig, store }, { ownsClient: true })
  const errors: unknown[] = []
  connection.errors$.subscribe((e) => errors.push(e))
  const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
  const chat = server.chat(conversationId)!
  chat.accept({ name: 'Natalie', id: 7 })
  const events = new Recorder(connection.messagingEvents$(conversationId))
  await connection.publishEvent(conversationId, { type: 'ContentEvent', contentType: 'text/plain', message: 'one' })
  const polls = (): number => server.requests.entries.filter((e) => e.chatId === conversationId && e.effectiveMethod === 'GET').length
  await events.next((c) => c.event.type === 'ContentEvent' && c.event.message === 'one')
  const settled = polls()
  await expect.poll(() => polls() - settled).toBeGreaterThan(2)
  const writes = store.cursorWrites
  const from = polls()
  await expect.poll(() => polls() - from).toBeGreaterThan(10)
  expect(store.cursorWrites).toBe(writes)

  store.revoke()
  const refused = await connection.publishEvent(conversationId, { type: 'ContentEvent', contentType: 'text/plain', message: 'two' }).catch((e: unknown) => e)
  expect(refused).toMatchObject({ code: 'E_CLOSED' })
  await events.done()
  expect(errors).toContainEqual(expect.objectContaining({ code: 'E_LEASE_LOST' }))
  expect(chat.visitorLines().map((l) => l['text'])).toEqual(['one'])
  await connection.close()
})
