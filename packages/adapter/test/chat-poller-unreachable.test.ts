import { HttpError, NetworkError } from '@chatbridge/core'
import { filter, map } from 'rxjs'
import { describe, test } from 'vitest'
import { pollChat } from '../src/chat-poller.js'
import type { LegacySnapshot } from '../src/legacy-contract.js'
import { marbleConfig, scripted, summarize, testScheduler } from './support/marbles.js'

// chatTimeout 0.09 s: the keep-alive cap is 30 ms, so a failing poll is retried at least every 30 ms.
const TIMEOUT = { defaultChatTimeoutS: 0.09 }
const start = { from: 0, next: undefined }

describe('pollChat when the server stops answering (marbles)', () => {
  test('closes as server-silent once nothing has answered for longer than chatTimeout: the server has ended the chat', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, expectObservable }) => {
      const unreachable = () => cold<LegacySnapshot>('-#', undefined, new NetworkError({ method: 'GET', uri: 'u', outcomeUnknown: false }))
      const answers = Array.from({ length: 20 }, unreachable)
      const out = pollChat(scripted(answers).supplier, start, marbleConfig(scheduler, TIMEOUT)).pipe(
        map(summarize),
        filter((step) => step.startsWith('closed')),
      )
      // The first poll fails at 1 ms; retries come at most 30 ms apart; the first failure past 90 ms closes.
      expectObservable(out).toBe('115ms (x|)', { x: 'closed server-silent' })
    })
  })

  test('keeps retrying while the server answers, even with errors: a reached server keeps the chat alive', () => {
    const scheduler = testScheduler()
    scheduler.run(({ cold, expectObservable }) => {
      const refusing = () => cold<LegacySnapshot>('-#', undefined, new HttpError({ status: 503, method: 'GET', uri: 'u' }))
      const answers = Array.from({ length: 12 }, refusing)
      const out = pollChat(scripted(answers).supplier, start, marbleConfig(scheduler, TIMEOUT)).pipe(
        map(summarize),
        filter((step) => step.startsWith('closed')),
      )
      // No close within 300 ms, three times the chat's timeout.
      expectObservable(out, '^ 300ms !').toBe('')
    })
  })
})
