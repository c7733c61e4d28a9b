import { describe, expect, test } from 'vitest'
import { UsageError, accountRootOf, parseNonNegativeInteger, resolveTarget } from '../src/arguments.js'
import { colourFor } from '../src/transcript.js'

describe('the legacy target', () => {
  const root = 'https://va.example.net/api/account/123'

  test('flags win over the environment, which wins over a root taken from a chat URI', () => {
    const env = { CHATBRIDGE_ACCOUNT_ROOT: 'https://env.example/api/account/1', CHATBRIDGE_APP_KEY: 'env-key' }
    expect(resolveTarget('tail', { 'account-root': root, 'app-key': 'flag-key' }, env)).toEqual({ accountRoot: root, appKey: 'flag-key', format: 'json' })
    expect(resolveTarget('tail', { format: 'xml' }, env, root)).toEqual({ accountRoot: 'https://env.example/api/account/1', appKey: 'env-key', format: 'xml' })
    expect(resolveTarget('tail', {}, { CHATBRIDGE_APP_KEY: 'k' }, root).accountRoot).toBe(root)
  })

  test('a missing key names the flag and the variable, never a value', () => {
    expect(() => resolveTarget('chat', { 'account-root': root }, { CHATBRIDGE_APP_KEY: '' })).toThrow(new UsageError('chat: give the app key with --app-key or CHATBRIDGE_APP_KEY'))
    expect(() => resolveTarget('chat', { 'app-key': 'secret-1234' }, {})).toThrow(UsageError)
    try {
      resolveTarget('chat', { 'account-root': 'ftp://x', 'app-key': 'secret-1234' }, {})
    } catch (error) {
      expect(String(error)).not.toContain('secret-1234')
    }
  })

  test('a chat URI gives its account root', () => {
    expect(accountRootOf(`${root}/chat/H123-abc`)).toBe(root)
    expect(accountRootOf(`${root}/chat/H123-abc.json?v=1`)).toBe(root)
    expect(accountRootOf('H123-abc')).toBeUndefined()
  })

  test('sequences and ports are non-negative integers', () => {
    expect(parseNonNegativeInteger('tail', '--from', undefined, 0)).toBe(0)
    expect(parseNonNegativeInteger('tail', '--from', '12', 0)).toBe(12)
    for (const bad of ['-1', '1.5', 'x', '', '1e3']) expect(() => parseNonNegativeInteger('tail', '--from', bad, 0)).toThrow(UsageError)
  })
})

test('colour only on a terminal, never with NO_COLOR, always with FORCE_COLOR', () => {
  expect(colourFor({ isTTY: true }, {})).toBe(true)
  expect(colourFor({ isTTY: false }, {})).toBe(false)
  expect(colourFor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false)
  expect(colourFor({}, { FORCE_COLOR: '1' })).toBe(true)
  expect(colourFor({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(true)
})
