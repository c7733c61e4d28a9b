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

/**
 * Lua: true when the lease key holds `owner token`; the guard every fenced write starts with. A
 * lease that expired while no one took it (the fence counter is still at `token`: Redis was down,
 * or this process paused) is taken back with the same token — no later owner exists, so nothing
 * is fenced wrongly, and a Redis outage longer than the TTL does not cost the chat.
 */
export const LEASE_HELD = `
local function lease_held(key, fence, owner, token, ttl)
  local current = redis.call('GET', key)
  if current == owner .. ' ' .. token then return true end
  if current or redis.call('GET', fence) ~= token then return false end
  redis.call('SET', key, owner .. ' ' .. token, 'PX', ttl)
  return true
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

/**
 * Extends every lease of the list still held with its token (or expired with no later owner), in
 * one call; `KEYS` are the lease keys then the fence keys; replies 1 (renewed) or 0 (lost) per lease.
 */
export const RENEW_LEASES = defineScript({
  SCRIPT: `${LEASE_HELD}
local n = #KEYS / 2
local renewed = {}
for i = 1, n do
  if lease_held(KEYS[i], KEYS[n + i], ARGV[2], ARGV[i + 2], ARGV[1]) then
    redis.call('PEXPIRE', KEYS[i], ARGV[1])
    renewed[i] = 1
  else
    renewed[i] = 0
  end
end
return renewed
`,
  parseCommand(parser: CommandParser, leaseKeys: readonly string[], fenceKeys: readonly string[], owner: string, tokens: readonly number[], ttlMs: number) {
    parser.pushKeysLength([...leaseKeys, ...fenceKeys])
    parser.push(String(ttlMs), owner, ...tokens.map(String))
  },
  transformReply: undefined as unknown as () => number[],
})

/** Gives a lease up when this owner still holds it with this token; replies 1 or 0. */
export const RELEASE_LEASE = defineScript({
  NUMBER_OF_KEYS: 1,
  SCRIPT: `
if redis.call('GET', KEYS[1]) == ARGV[1] .. ' ' .. ARGV[2] then return redis.call('DEL', KEYS[1]) end
return 0
`,
  parseCommand(parser: CommandParser, leaseKey: string, owner: string, token: number) {
    parser.pushKey(leaseKey)
    parser.push(owner, String(token))
  },
  transformReply: undefined as unknown as () => number,
})
