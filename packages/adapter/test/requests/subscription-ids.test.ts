import { describe, expect, it } from 'vitest'
import { cqmKey, subscriptionIdOf } from '../../src/requests/subscription-ids.js'

describe('subscription ids', () => {
  it('names the nth subscription chatbridge-sub-n, the first ones and far ones alike', () => {
    expect([1, 2, 31, 32, 1000].map(subscriptionIdOf)).toEqual(['chatbridge-sub-1', 'chatbridge-sub-2', 'chatbridge-sub-31', 'chatbridge-sub-32', 'chatbridge-sub-1000'])
  })

  it('keys a subscription by its id, whether the id was made here or came from a client', () => {
    expect(cqmKey(subscriptionIdOf(3))).toBe('cqm:chatbridge-sub-3')
    expect(cqmKey('chatbridge-sub-3')).toBe('cqm:chatbridge-sub-3')
    expect(cqmKey(subscriptionIdOf(40))).toBe('cqm:chatbridge-sub-40')
    expect(cqmKey('a client text')).toBe('cqm:a client text')
  })
})
