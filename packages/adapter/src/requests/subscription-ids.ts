// A session's `cqm` subscription ids and its keys for them, as texts every socket shares.

// Every session counts its subscriptions from 1, so the first few ids (and their keys) are the same
// texts in every socket: made once per process, not 64 bytes kept per socket for its life.
const SHARED = 32
const ids: string[] = []
const keys = new Map<string, string>()

/** The `n`th subscription id of a session (`chatbridge-sub-n`). */
export function subscriptionIdOf(n: number): string {
  if (n >= SHARED) return `chatbridge-sub-${n}`
  let id = ids[n]
  if (id === undefined) {
    id = ids[n] = `chatbridge-sub-${n}`
    keys.set(id, `cqm:${id}`)
  }
  return id
}

/** The session's key of a `cqm` subscription, shared with `cqm.UnsubscribeExConversations` (only ids made here are shared: a client's own text is never kept). */
export function cqmKey(subscriptionId: string): string {
  return keys.get(subscriptionId) ?? `cqm:${subscriptionId}`
}
