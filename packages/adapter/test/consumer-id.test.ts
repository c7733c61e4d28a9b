import { describe, expect, test } from 'vitest'
import { consumerIdFromHeaders, jwtSubject } from '../src/consumer-id.js'

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
const jwt = (claims: unknown): string => `${b64({ alg: 'RS256' })}.${b64(claims)}.signature`

describe('consumer id', () => {
  test('reads sub from the ConsumerAuthentication header without verifying', () => {
    const headers = [{ type: '.ams.headers.ClientProperties' }, { type: '.ams.headers.ConsumerAuthentication', jwt: jwt({ sub: 'c-123', iss: 'x' }) }]
    expect(consumerIdFromHeaders(headers)).toBe('c-123')
  })

  test('unreadable tokens and missing headers give undefined', () => {
    expect(consumerIdFromHeaders(undefined)).toBeUndefined()
    expect(consumerIdFromHeaders([{ type: '.ams.headers.ConsumerAuthentication', jwt: 'not-a-jwt' }])).toBeUndefined()
    expect(jwtSubject(`a.${Buffer.from('not json').toString('base64url')}.c`)).toBeUndefined()
    expect(jwtSubject(jwt({ sub: 42 }))).toBeUndefined()
  })
})
