/**
 * The Lua scripts of the conversation store: recording a new conversation (and its consumer's
 * index) in one step, and the fenced write, which checks the lease's fencing token and writes in
 * one step, so a process that lost its lease between the check and the write cannot exist; and
 * the orphan sweep's step over the open set.
 */
import { defineScript } from '@redis/client'
import type { CommandParser } from '@redis/client'
import { LEASE_HELD } from './lease-scripts.js'

/**
 * Records a conversation unless it exists; when new and a consumer's, adds it to its consumer's
 * list and to the open set (`KEYS[3]`, what the orphan sweep walks). Replies 1 (new) or 0.
 */
export const ADD_CONVERSATION = defineScript({
  NUMBER_OF_KEYS: 3,
  SCRIPT: `
if redis.call('HSETNX', KEYS[1], 'chatUri', ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'cursor', ARGV[3], 'outbound', ARGV[4])
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[1], 'consumerId', ARGV[2])
  redis.call('RPUSH', KEYS[2], ARGV[5])
  redis.call('SADD', KEYS[3], ARGV[5])
end
return 1
`,
  parseCommand(parser: CommandParser, chatKey: string, consumerKey: string, openKey: string, chatUri: string, consumerId: string, cursor: string, outbound: string, conversationId: string) {
    parser.pushKeys([chatKey, consumerKey, openKey])
    parser.push(chatUri, consumerId, cursor, outbound, conversationId)
  },
  transformReply: undefined as unknown as () => number,
})

/**
 * Ends a conversation when `owner token` still holds its lease: marks its hash `ended` and takes it
 * out of its consumer's list and the open set. Replies 1, or 0 when the lease is lost.
 */
export const END_CONVERSATION = defineScript({
  NUMBER_OF_KEYS: 5,
  SCRIPT: `${LEASE_HELD}
if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
if not lease_held(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[4]) then return 0 end
redis.call('HSET', KEYS[3], 'ended', '1')
redis.call('LREM', KEYS[4], 0, ARGV[3])
redis.call('SREM', KEYS[5], ARGV[3])
return 1
`,
  parseCommand(parser: CommandParser, leaseKey: string, fenceKey: string, chatKey: string, consumerKey: string, openKey: string, owner: string, token: number, conversationId: string, ttlMs: number) {
    parser.pushKeys([leaseKey, fenceKey, chatKey, consumerKey, openKey])
    parser.push(owner, String(token), conversationId, String(ttlMs))
  },
  transformReply: undefined as unknown as () => number,
})

/** Sets one field of a conversation when `owner token` still holds its lease (see `LEASE_HELD`); replies 1, or 0 when the lease is lost. */
export const FENCED_SET = defineScript({
  NUMBER_OF_KEYS: 3,
  SCRIPT: `${LEASE_HELD}
if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
if not lease_held(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[5]) then return 0 end
redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
return 1
`,
  parseCommand(parser: CommandParser, leaseKey: string, fenceKey: string, chatKey: string, owner: string, token: number, field: string, value: string, ttlMs: number) {
    parser.pushKeys([leaseKey, fenceKey, chatKey])
    parser.push(owner, String(token), field, value, String(ttlMs))
  },
  transformReply: undefined as unknown as () => number,
})

/**
 * One bounded step of the orphan sweep: SSCANs the open set (`KEYS[1]`) from `ARGV[1]`, batch by
 * batch, until at least `ARGV[2]` orphans are found, `ARGV[3]` members were looked at, or the walk
 * came round; an orphan is a member whose lease key (`ARGV[4]` prefix, `chat:<id>:lease`) does not
 * exist. Every orphan of the batches looked at is replied, even past `ARGV[2]`: one dropped here
 * would be dropped again on every walk, as SSCAN's batches repeat. Replies `{ next cursor, ids }`.
 *
 * The lease keys are built here rather than passed: which members to look at is only known
 * mid-scan, and one round trip per sweep is the point. So this script assumes one Redis node
 * (as the store does), not a cluster.
 */
export const ORPHANED_CONVERSATIONS = defineScript({
  NUMBER_OF_KEYS: 1,
  SCRIPT: `
local cursor = ARGV[1]
local limit = tonumber(ARGV[2])
local budget = tonumber(ARGV[3])
local found = {}
local looked = 0
repeat
  local reply = redis.call('SSCAN', KEYS[1], cursor, 'COUNT', math.min(budget, 100))
  cursor = reply[1]
  for _, id in ipairs(reply[2]) do
    looked = looked + 1
    if redis.call('EXISTS', ARGV[4] .. 'chat:' .. id .. ':lease') == 0 then found[#found + 1] = id end
  end
until cursor == '0' or #found >= limit or looked >= budget
return { cursor, found }
`,
  parseCommand(parser: CommandParser, openKey: string, cursor: string, limit: number, budget: number, prefix: string) {
    parser.pushKey(openKey)
    parser.push(cursor, String(limit), String(budget), prefix)
  },
  transformReply: undefined as unknown as () => [string, string[]],
})
