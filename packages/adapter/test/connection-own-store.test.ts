import { describe, expect, it } from 'vitest'
import { CONNECTION_OWN_STORE } from '../src/connection-own-store.js'
import { START_CURSOR } from '../src/poll-cursor.js'

describe('the store of a connection given none', () => {
  it('grants every lease at once, for ever, and keeps nothing it is given', async () => {
    const lease = await CONNECTION_OWN_STORE.acquireLease('H1')
    expect(lease).toEqual({ conversationId: 'H1', token: 1, ttlMs: Infinity })
    await CONNECTION_OWN_STORE.addConversation('H1', { chatUri: 'https://x/chat/H1', consumerId: 'alice' })
    await CONNECTION_OWN_STORE.saveCursor(lease as NonNullable<typeof lease>, { ...START_CURSOR, from: 5 })
    expect(await CONNECTION_OWN_STORE.loadConversation('H1')).toBeUndefined()
    expect(await CONNECTION_OWN_STORE.conversationsOf('alice')).toEqual([])
    expect(await CONNECTION_OWN_STORE.renewLeases([lease as NonNullable<typeof lease>])).toEqual([])
    expect(await CONNECTION_OWN_STORE.orphanedConversations(10)).toEqual([])
  })
})
