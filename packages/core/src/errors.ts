/** The error family of chatbridge: `ChatBridgeError` and core's subclasses, each with a stable code. */

/**
 * Every error chatbridge throws is a {@link ChatBridgeError}: switch on its stable `code`, read
 * `cause` for the underlying failure. Messages name what failed and where, never the app key.
 */
export type ChatBridgeErrorCode =
  | 'E_HTTP'
  | 'E_CHAT_GONE'
  | 'E_NETWORK'
  | 'E_TIMEOUT'
  | 'E_ABORTED'
  | 'E_DECODE'
  | 'E_BODY_TOO_LARGE'
  | 'E_RELATION_MISSING'
  | 'E_FOREIGN_ORIGIN'
  | 'E_INVALID_ARGUMENT'

/**
 * The base class of every chatbridge error, in every package: switch on `code`, which is stable
 * across releases. Core's errors use {@link ChatBridgeErrorCode}; other packages extend it with
 * codes of their own (the adapter's `AdapterError`).
 */
export class ChatBridgeError extends Error {
  /** Stable across releases; each subclass narrows it to its own codes. */
  readonly code: ChatBridgeErrorCode | (string & {})

  /** @param message what failed and where; never a secret. @param options `cause`: the underlying failure. */
  constructor(code: ChatBridgeErrorCode | (string & {}), message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = code
  }

  /** A plain view for logs and `JSON.stringify`: own fields, never the request headers. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message }
    for (const [key, value] of Object.entries(this)) {
      if (key !== 'cause') out[key] = value instanceof URL ? value.href : value
    }
    if (this.cause instanceof Error) out['cause'] = { name: this.cause.name, message: this.cause.message }
    return out
  }
}

/** The legacy server answered with a non-success status. */
export class HttpError extends ChatBridgeError {
  declare readonly code: 'E_HTTP' | 'E_CHAT_GONE'

  /** HTTP status code. */
  readonly status: number
  /** The legacy `internalCode` from an `{"error":{…}}` body, when there was one. */
  readonly internalCode: number | undefined
  /** The legacy server's own message from the error body, when there was one. */
  readonly serverMessage: string | undefined
  /** The request method (`POST` for PUT-over-POST calls). */
  readonly method: string
  /** The URI that was requested, without credentials. */
  readonly uri: string
  /** `Retry-After` in milliseconds, when the server sent one. */
  readonly retryAfterMs: number | undefined

  /** Made by the client from a non-success answer; `code` is `E_CHAT_GONE` for 404 internalCode 12. */
  constructor(
    init: {
      status: number
      internalCode?: number | undefined
      serverMessage?: string | undefined
      method: string
      uri: string
      retryAfterMs?: number | undefined
    },
    code: 'E_HTTP' | 'E_CHAT_GONE' = 'E_HTTP',
  ) {
    const detail = init.serverMessage === undefined ? '' : `: ${init.serverMessage}`
    const internal = init.internalCode === undefined ? '' : ` (internalCode ${init.internalCode})`
    super(code, `${init.method} ${init.uri} answered ${init.status}${internal}${detail}`)
    this.status = init.status
    this.internalCode = init.internalCode
    this.serverMessage = init.serverMessage
    this.method = init.method
    this.uri = init.uri
    this.retryAfterMs = init.retryAfterMs
  }
}

/**
 * The chat no longer exists on the legacy server (404, internalCode 12): it ended and was dropped,
 * or timed out. Its history must come from elsewhere; retrying cannot help.
 */
export class ChatGoneError extends HttpError {
  declare readonly code: 'E_CHAT_GONE'

  /** Made by the client from a 404 answer with internalCode 12. */
  constructor(init: ConstructorParameters<typeof HttpError>[0]) {
    super(init, 'E_CHAT_GONE')
  }
}

/**
 * The request did not complete: the connection failed, was reset, or the response stopped.
 * `outcomeUnknown` is true when the server may have applied the request (it was sent, then the
 * connection failed): a POST in that state must be reconciled, not blindly repeated.
 */
export class NetworkError extends ChatBridgeError {
  declare readonly code: 'E_NETWORK' | 'E_TIMEOUT'

  /** The request method (`POST` for PUT-over-POST calls). */
  readonly method: string
  /** The URI that was requested, without credentials. */
  readonly uri: string
  /** True when the server may have applied the request although no answer arrived. */
  readonly outcomeUnknown: boolean

  /** Made by the client when a request fails below HTTP; `reason` ends the message. */
  constructor(
    init: { method: string; uri: string; outcomeUnknown: boolean; cause?: unknown; reason?: string },
    code: 'E_NETWORK' | 'E_TIMEOUT' = 'E_NETWORK',
  ) {
    super(code, `${init.method} ${init.uri} failed: ${init.reason ?? 'network error'}`, { cause: init.cause })
    this.method = init.method
    this.uri = init.uri
    this.outcomeUnknown = init.outcomeUnknown
  }
}

/** The request took longer than its timeout; the outcome of a POST is unknown. */
export class TimeoutError extends NetworkError {
  declare readonly code: 'E_TIMEOUT'

  /** The timeout that passed, in milliseconds. */
  readonly timeoutMs: number

  /** Made by the client when `timeoutMs` passed before the whole response arrived. */
  constructor(init: { method: string; uri: string; timeoutMs: number; cause?: unknown }) {
    super({ ...init, outcomeUnknown: true, reason: `no complete response within ${init.timeoutMs} ms` }, 'E_TIMEOUT')
    this.timeoutMs = init.timeoutMs
  }
}

/** The caller aborted the request through its `AbortSignal`, or closed the client it went through. */
export class AbortedError extends ChatBridgeError {
  declare readonly code: 'E_ABORTED'

  /** The request method. */
  readonly method: string
  /** The URI that was requested, without credentials. */
  readonly uri: string

  /** Made by the client when the caller's `AbortSignal` fired; `cause` is the signal's reason. */
  constructor(init: { method: string; uri: string; cause?: unknown }) {
    super('E_ABORTED', `${init.method} ${init.uri} was aborted`, { cause: init.cause })
    this.method = init.method
    this.uri = init.uri
  }
}

/** The response arrived but is not a document chatbridge understands: bad syntax or a wrong shape. */
export class DecodeError extends ChatBridgeError {
  declare readonly code: 'E_DECODE'

  /** Where in the document decoding failed, e.g. `chat.events.event.2.@id`; empty for syntax errors. */
  readonly path: string
  /** The URI of the response, without credentials. */
  readonly uri: string
  /** The response's HTTP status. */
  readonly status: number
  /** The wire format the response was read as. */
  readonly format: 'json' | 'xml'

  /** Made by the client when a response does not decode; `detail` says what was expected. */
  constructor(init: { path: string; uri: string; status: number; format: 'json' | 'xml'; detail: string; cause?: unknown }) {
    const where = init.path === '' ? '' : ` at ${init.path}`
    super('E_DECODE', `${init.format.toUpperCase()} response of ${init.uri} (status ${init.status}) did not decode${where}: ${init.detail}`, {
      cause: init.cause,
    })
    this.path = init.path
    this.uri = init.uri
    this.status = init.status
    this.format = init.format
  }
}

/** The response body is larger than the configured limit; it was not read further. */
export class BodyTooLargeError extends ChatBridgeError {
  declare readonly code: 'E_BODY_TOO_LARGE'

  /** The URI of the response, without credentials. */
  readonly uri: string
  /** The limit that was exceeded (`maxBodyBytes`), in bytes. */
  readonly limitBytes: number

  /** Made by the client as soon as a body grows past the limit. */
  constructor(init: { uri: string; limitBytes: number }) {
    super('E_BODY_TOO_LARGE', `response of ${init.uri} exceeds the ${init.limitBytes}-byte limit`)
    this.uri = init.uri
    this.limitBytes = init.limitBytes
  }
}

/** A link relation the client needs is not among the resource's links. */
export class RelationMissingError extends ChatBridgeError {
  declare readonly code: 'E_RELATION_MISSING'

  /** The relation that was looked for, e.g. `next`. */
  readonly rel: string
  /** The URI of the resource whose links were searched. */
  readonly resource: string

  /** Made when a relation is required but absent. */
  constructor(init: { rel: string; resource: string }) {
    super('E_RELATION_MISSING', `relation "${init.rel}" is missing from ${init.resource}`)
    this.rel = init.rel
    this.resource = init.resource
  }
}

/**
 * A link points outside the account: another origin, a path outside the account root, or a
 * non-HTTP scheme. chatbridge refuses to follow it, so credentials never leave home, unless the
 * origin was allowed in the client options.
 */
export class ForeignOriginError extends ChatBridgeError {
  declare readonly code: 'E_FOREIGN_ORIGIN'

  /** The refused link target. */
  readonly href: string
  /** The URI of the resource the link was found in. */
  readonly resource: string

  /** Made when a link leads outside the account and its origin is not allowed. */
  constructor(init: { href: string; resource: string }) {
    super('E_FOREIGN_ORIGIN', `refusing to follow ${init.href} found in ${init.resource}: it is outside the account`)
    this.href = init.href
    this.resource = init.resource
  }
}

/** An argument or option is wrong; the message shows what a correct call looks like. */
export class InvalidArgumentError extends ChatBridgeError {
  declare readonly code: 'E_INVALID_ARGUMENT'

  /** @param message what is wrong, with an example of a correct call. */
  constructor(message: string) {
    super('E_INVALID_ARGUMENT', message)
  }
}
