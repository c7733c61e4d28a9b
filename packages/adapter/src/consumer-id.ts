/**
 * The consumer's participant id from `InitConnection`'s `.ams.headers.ConsumerAuthentication`
 * JWTs, read without verification (messaging-model.md §2): the in-process socket's identity.
 */

/** The header type that carries a consumer JWT in `InitConnection`. */
export const CONSUMER_AUTH_HEADER = '.ams.headers.ConsumerAuthentication'

/** The JWTs of every `.ams.headers.ConsumerAuthentication` header in `headers`, in order. */
export function consumerTokensFromHeaders(headers: unknown): string[] {
  if (!Array.isArray(headers)) return []
  const tokens: string[] = []
  for (const header of headers as unknown[]) {
    if (typeof header !== 'object' || header === null) continue
    const record = header as Record<string, unknown>
    if (record['type'] === CONSUMER_AUTH_HEADER && typeof record['jwt'] === 'string') tokens.push(record['jwt'])
  }
  return tokens
}

/**
 * The `sub` claim of the first token that has one, or `undefined`. The tokens are decoded, not
 * verified: the legacy side has no JWT, and the claim only names the consumer so clients can tell
 * their own messages apart (messaging-model §2).
 */
export function unverifiedConsumerId(tokens: readonly string[]): string | undefined {
  for (const token of tokens) {
    const sub = jwtSubject(token)
    if (sub !== undefined) return sub
  }
  return undefined
}

/**
 * Reads the `sub` claim of the consumer JWT in `InitConnection` headers, or `undefined` when there
 * is none or it cannot be read (decoded, not verified; see {@link unverifiedConsumerId}).
 */
export function consumerIdFromHeaders(headers: unknown): string | undefined {
  return unverifiedConsumerId(consumerTokensFromHeaders(headers))
}

/** The `sub` claim of a JWT's payload, decoded without verification; `undefined` if unreadable. */
export function jwtSubject(jwt: string): string | undefined {
  const payload = jwt.split('.')[1]
  if (payload === undefined || payload === '') return undefined
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    if (typeof claims !== 'object' || claims === null) return undefined
    const sub = (claims as Record<string, unknown>)['sub']
    return typeof sub === 'string' && sub !== '' ? sub : undefined
  } catch {
    return undefined
  }
}
