import { LegacyChatClient } from '@chatbridge/core'
import { type LegacyChatServer, createManualClock, startLegacyChatServer } from '@chatbridge/testing'
import { describe, expect, test } from 'vitest'
import { Connection } from '../../src/connection.js'
import type { ConnectionState } from '../../src/connection-state.js'
import { type ConnectionOptions, resolveConnectionOptions } from '../../src/connection-options.js'
import type { ExConversationChange } from '../../src/messaging-types.js'
import { Recorder } from '../support/recorder.js'
import { within } from './support.js'

/*
 * The poller is the chat's keep-alive (messaging-model.md §5): however it backs off, requests keep
 * reaching the chat well within `chatTimeout`. Only a server unreachable for longer than that loses
 * the chat, and then the conversation closes with a reason once the server can say so.
 */

// Pacing that, uncapped, would let a 1-second chat die many times over: minute-long intervals and
// backoff, the longest jitter, and a `Retry-After` of 30 s on every other poll.
const slow: ConnectionOptions = {
  waitingIntervalMs: 60_000,
  chattingIntervalMs: 60_000,
  backoffBaseMs: 10_000,
  backoffMaxMs: 60_000,
  keepAliveFraction: 0.1,
  minKeepAliveMs: 50,
  interactionTimeoutS: 1,
  random: () => 0.999,
  lastSubscriberGraceMs: 5,
}
const capMs = 100

function connect(server: LegacyChatServer, config: ConnectionOptions): Connection {
  const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey, requestTimeoutMs: 1000 })
  return new Connection(client, config, { ownsClient: true })
}

describe('keep-alive under stress', () => {
  test('until the server reports chatTimeout, the timeout this connection asked for caps every wait', () => {
    expect(resolveConnectionOptions({ interactionTimeoutS: 1 }).poller.pacing.defaultChatTimeoutS).toBe(1)
    expect(resolveConnectionOptions({ interactionTimeoutS: 1, defaultChatTimeoutS: 3 }).poller.pacing.defaultChatTimeoutS).toBe(3)
    expect(resolveConnectionOptions().poller.pacing.defaultChatTimeoutS).toBe(40)
  })

  test('failing polls with Retry-After 30 s and huge backoff still reach the chat within its 1 s timeout for 3 s', async () => {
    const server = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
    try {
      const connection = connect(server, { ...slow, keepConversationsAlive: true })
      const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
      const chat = server.chat(conversationId)
      if (chat === undefined) throw new Error('no chat')
      expect(chat.chatTimeoutS).toBe(1)
      const states = new Recorder<ConnectionState>(connection.state$)
      // Every poll fails: 503 + Retry-After 30 (never reaches the chat), then one that reaches it
      // but answers badly (reset after applying, truncated, malformed), in turn.
      let n = 0
      const reaching = ['reset-after', 'truncate', 'malformed'] as const
      server.faults.add({ route: 'chat', when: () => n++ % 2 === 0, fault: { kind: 'status', status: 503, retryAfterS: 30 } })
      for (const kind of reaching) server.faults.add({ route: 'chat', when: () => n % 6 === 2 * (reaching.indexOf(kind) + 1) % 6, fault: { kind } })
      server.faults.add({ route: 'chat', fault: { kind: 'reset-after' } })
      const start = chat.polls
      const from = server.clock.now()
      // 3 chatTimeouts of nothing but failures.
      await within(
        server.requests.waitFor((e) => e.chatId === conversationId && e.time - from >= 3000),
        10_000,
        'three seconds of failing polls',
      )
      server.faults.clear()
      expect(chat.state).toBe('waiting')
      expect(chat.endReason).toBeUndefined()
      expect(chat.polls - start).toBeGreaterThanOrEqual(10)
      const backoffs = states.values.filter((s) => s.status === 'backing-off')
      expect(backoffs.length).toBeGreaterThanOrEqual(20)
      for (const s of backoffs) expect(s.status === 'backing-off' && s.retryInMs).toBeLessThanOrEqual(capMs)
      // Requests that reached the chat (every fault but the 503) were never further apart than the timeout.
      const reached = server.requests.entries.filter((e) => e.chatId === conversationId && e.route === 'chat' && e.fault !== 'status').map((e) => e.time)
      const gaps = reached.slice(1).map((t, i) => t - (reached[i] ?? t))
      expect(Math.max(...gaps)).toBeLessThan(1000)

      chat.accept({ name: 'Natalie', id: 7 })
      const events = new Recorder(connection.messagingEvents$(conversationId))
      chat.say('still here')
      await within(events.next((c) => c.event.type === 'ContentEvent' && c.event.message === 'still here'), 5000, 'a line after the storm')
      await connection.close()
    } finally {
      await server.close()
    }
  }, 20_000)

  test.each(['reset-before', 'status'] as const)(
    'a server unreachable (%s) for longer than chatTimeout: the conversation closes, reason SYSTEM, once the server answers',
    async (kind) => {
      const clock = createManualClock()
      const server = await startLegacyChatServer({ clock, dropEndedChatsAfterMs: null })
      try {
        const connection = connect(server, { ...slow, backoffBaseMs: 20, backoffMaxMs: 20 })
        const { conversationId } = await connection.requestConversation({ skillId: 'Sales' })
        const chat = server.chat(conversationId)
        if (chat === undefined) throw new Error('no chat')
        const conversations = new Recorder<ExConversationChange>(connection.conversations$())
        const states = new Recorder<ConnectionState>(connection.state$)
        const errors = new Recorder<unknown>(connection.errors$)
        const events = new Recorder(connection.messagingEvents$(conversationId))
        await within(conversations.next((c) => c.result.conversationDetails.state === 'OPEN'), 5000, 'open')
        const unreachable = server.faults.add({
          route: 'chat',
          fault: kind === 'status' ? { kind: 'status', status: 503, retryAfterS: 30 } : { kind: 'reset-before' },
        })
        await within(errors.next(() => errors.values.length >= 3), 5000, 'three failed polls')
        expect(states.values.at(-1)?.status).toBe('backing-off')
        // Longer than chatTimeout on the server's clock, with nothing reaching the chat.
        clock.advance(chat.chatTimeoutS * 1000 + 500)
        unreachable.remove()
        const closed = await within(conversations.next((c) => c.result.conversationDetails.state === 'CLOSE'), 5000, 'the conversation closing')
        expect(closed.result.conversationDetails.closeReason).toBe('SYSTEM')
        expect(chat.endReason).toBe('timeout')
        await within(events.done(), 5000, 'the messaging stream completing')
        expect(states.values.at(-1)).toEqual({ status: 'closed', reason: 'ended' })
        expect(errors.values.every((e) => ['E_NETWORK', 'E_HTTP'].includes((e as { code?: string }).code ?? ''))).toBe(true)
        await connection.close()
      } finally {
        await server.close()
      }
    },
    20_000,
  )

  test('a client closed under a running connection ends its streams with a typed error instead of backing off forever', async () => {
    const server = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
    try {
      const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey })
      const connection = new Connection(client, { chattingIntervalMs: 5, waitingIntervalMs: 5, backoffBaseMs: 5, backoffMaxMs: 20 })
      const { conversationId } = await connection.requestConversation()
      const states = new Recorder<ConnectionState>(connection.state$)
      const events = new Recorder(connection.messagingEvents$(conversationId))
      await within(states.next((s) => s.status === 'live'), 5000, 'live')
      await client.close()
      await expect(within(events.done(), 5000, 'the stream ending')).rejects.toMatchObject({ code: 'E_POLL_FAILED', cause: { code: 'E_ABORTED' } })
      expect(states.values.at(-1)).toMatchObject({ status: 'closed', reason: 'aborted' })
      await connection.close()
    } finally {
      await server.close()
    }
  })

  test('with default pacing, a chat whose timeout is 1 s stays alive (the keep-alive floor never reaches the timeout)', async () => {
    const server = await startLegacyChatServer({ dropEndedChatsAfterMs: null })
    try {
      const connection = connect(server, { interactionTimeoutS: 1, keepConversationsAlive: true })
      const { conversationId } = await connection.requestConversation()
      const chat = server.chat(conversationId)
      if (chat === undefined) throw new Error('no chat')
      const from = server.clock.now()
      await within(
        server.requests.waitFor((e) => e.chatId === conversationId && e.time - from >= 3000),
        10_000,
        'three seconds of polls',
      )
      expect(chat.endReason).toBeUndefined()
      const polls = server.requests.entries.filter((e) => e.chatId === conversationId && e.route === 'chat').map((e) => e.time)
      const gaps = polls.slice(1).map((t, i) => t - (polls[i] ?? t))
      expect(Math.max(...gaps)).toBeLessThan(1000)
      await connection.close()
    } finally {
      await server.close()
    }
  }, 20_000)
})
