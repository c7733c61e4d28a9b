/**
 * The Lua scripts of the conversation store: recording a new conversation (and its consumer's
 * index) in one step, and the fenced write, which checks the lease's fencing token and writes in
 * one step, so a process that lost its lease between the check and the write cannot exist.
 */
import { defineScript } from '@redis/client'
import type { CommandParser } from '@redis/client'
import { LEASE_HELD } from './lease-scripts.js'

/** Records a conversation unless it exists; adds it to its consumer's list when new. Replies 1 (new) or 0. */
export const ADD_CONVERSATION = defineScript({
  NUMBER_OF_KEYS: 2,
  SCRIPT: `
if redis.call('HSETNX', KEYS[1], 'chatUri', ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'cursor', ARGV[3], 'outbound', ARGV[4])
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[1], 'consumerId', ARGV[2])
  redis.call('RPUSH', KEYS[2], ARGV[5])
end
return 1
`,
  parseCommand(parser: CommandParser, chatKey: string, consumerKey: string, chatUri: string, consumerId: string, cursor: string, outbound: string, conversationId: string) {
    parser.pushKeys([chatKey, consumerKey])
    parser.push(chatUri, consumerId, cursor, outbound, conversationId)
  },
  transformReply: undefined as unknown as () => number,
})

/**
 * Ends a conversation when `owner token` still holds its lease: marks its hash `ended` and takes it
 * out of its consumer's list. Replies 1, or 0 when the lease is lost.
 */
export const END_CONVERSATION = defineScript({
  NUMBER_OF_KEYS: 4,
  SCRIPT: `${LEASE_HELD}
if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
if not lease_held(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[4]) then return 0 end
redis.call('HSET', KEYS[3], 'ended', '1')
redis.call('LREM', KEYS[4], 0, ARGV[3])
return 1
`,
  parseCommand(parser: CommandParser, leaseKey: string, fenceKey: string, chatKey: string, consumerKey: string, owner: string, token: number, conversationId: string, ttlMs: number) {
    parser.pushKeys([leaseKey, fenceKey, chatKey, consumerKey])
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
