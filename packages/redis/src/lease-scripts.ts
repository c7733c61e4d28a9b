/**
 * The Lua scripts behind chat leases: each runs atomically on the Redis server, so "is the lease
 * free or mine → take it with the next fencing token" and "is this write's token still the
 * lease's → write" can never interleave with another process's step.
 *
 * A lease is one string key per chat, `"<owner> <token>"`, with a TTL; the token comes from a
 * per-chat counter that only grows (`INCR`), so a later lease always has a larger token than any
 * earlier one, whoever held it.
 */
import { defineScript } from '@redis/client'
import type { CommandParser } from '@redis/client'

/** Lua: true when `KEYS[lease]` holds `owner token`; the guard every fenced write starts with. */
export const LEASE_HELD = `
local function lease_held(key, owner, token)
  return redis.call('GET', key) == owner .. ' ' .. token
end
`

/** Takes a free lease (or extends one this owner holds); replies its token, or nil when another owner holds it. */
export const ACQUIRE_LEASE = defineScript({
  NUMBER_OF_KEYS: 2,
  SCRIPT: `
local current = redis.call('GET', KEYS[1])
if current then
  local owner, token = string.match(current, '^(.-) (%d+)$')
  if owner == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return tonumber(token)
  end
  return false
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. token, 'PX', ARGV[2])
return token
`,
  parseCommand(parser: CommandParser, leaseKey: string, fenceKey: string, owner: string, ttlMs: number) {
    parser.pushKeys([leaseKey, fenceKey])
    parser.push(owner, String(ttlMs))
  },
  transformReply: undefined as unknown as () => number | null,
})

/** Extends every lease of the list still held with its token, in one call; replies 1 (renewed) or 0 (lost) per lease. */
export const RENEW_LEASES = defineScript({
  SCRIPT: `
local renewed = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[2] .. ' ' .. ARGV[i + 2] then
    redis.call('PEXPIRE', key, ARGV[1])
    renewed[i] = 1
  else
    renewed[i] = 0
  end
end
return renewed
`,
  parseCommand(parser: CommandParser, leaseKeys: readonly string[], owner: string, tokens: readonly number[], ttlMs: number) {
    parser.pushKeysLength([...leaseKeys])
    parser.push(String(ttlMs), owner, ...tokens.map(String))
  },
  transformReply: undefined as unknown as () => number[],
})

/** Gives a lease up when this owner still holds it with this token; replies 1 or 0. */
export const RELEASE_LEASE = defineScript({
  NUMBER_OF_KEYS: 1,
  SCRIPT: `${LEASE_HELD}
if lease_held(KEYS[1], ARGV[1], ARGV[2]) then return redis.call('DEL', KEYS[1]) end
return 0
`,
  parseCommand(parser: CommandParser, leaseKey: string, owner: string, token: number) {
    parser.pushKey(leaseKey)
    parser.push(owner, String(token))
  },
  transformReply: undefined as unknown as () => number,
})
