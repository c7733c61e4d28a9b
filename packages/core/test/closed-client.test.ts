import { AbortedError, LegacyChatClient } from '@chatbridge/core'
import { startLegacyChatServer } from '@chatbridge/testing'
import { Agent } from 'undici'
import { describe, expect, it } from 'vitest'

// A closed client used to fail every later request as E_NETWORK with the outcome unknown, which
// callers retry: a poll loop over a closed client then backed off forever.
describe('a request through a closed client', () => {
  it('is E_ABORTED, not a network error to retry, for the client it owns', async () => {
    const server = await startLegacyChatServer()
    try {
      const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey })
      const chat = await client.startChat({})
      await client.close()
      const error = await chat.snapshot().then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(AbortedError)
      expect(error).toMatchObject({ code: 'E_ABORTED' })
      expect(String((error as Error).message)).not.toContain(server.appKey)
    } finally {
      await server.close()
    }
  })

  it('is E_ABORTED for a dispatcher destroyed by its owner', async () => {
    const server = await startLegacyChatServer()
    try {
      const dispatcher = new Agent({ connections: 1 })
      const client = new LegacyChatClient({ accountRoot: server.accountRoot, appKey: server.appKey, dispatcher })
      const chat = await client.startChat({})
      await dispatcher.destroy()
      await expect(chat.addLine('hi')).rejects.toMatchObject({ code: 'E_ABORTED' })
      expect(server.chats()[0]?.visitorLines()).toEqual([])
    } finally {
      await server.close()
    }
  })
})
