// The checks of a socket session's configuration: at construction (every mistake named, with a correct call), and of authentication per request.
import { InvalidArgumentError } from '@chatbridge/core'
import { RequestRefusedError } from './request-refused-error.js'
import type { SessionSink, SocketSessionOptions } from './socket-session.js'

/** Throws `InvalidArgumentError`, with a correct call, when `config` or `sink` is malformed. */
export function checkConfig(config: SocketSessionOptions, sink: SessionSink): void {
  const example = 'new SocketSession({ connectionFor: (consumerId) => connection }, { frame: (frame) => …, error: (error) => … })'
  if (typeof config !== 'object' || config === null || typeof config.connectionFor !== 'function') {
    throw new InvalidArgumentError(`connectionFor must be a function giving the consumer's Connection, e.g. ${example}`)
  }
  if (typeof sink !== 'object' || sink === null || typeof sink.frame !== 'function' || typeof sink.error !== 'function') {
    throw new InvalidArgumentError(`the sink needs frame and error functions, e.g. ${example}`)
  }
  for (const hook of ['authenticate', 'canReach', 'requestConversation', 'beforeRequest', 'now'] as const) {
    if (config[hook] !== undefined && typeof config[hook] !== 'function') throw new InvalidArgumentError(`${hook} must be a function when given; got ${typeof config[hook]}`)
  }
  if (config.consumerId !== undefined && (typeof config.consumerId !== 'string' || config.consumerId === '')) {
    throw new InvalidArgumentError(`consumerId must be a non-empty string when given, e.g. { consumerId: 'consumer-42' }`)
  }
}

/** Requests answered before the consumer is known, when authentication is required. */
const BEFORE_AUTHENTICATION: ReadonlySet<string> = new Set(['InitConnection', 'GetClock'])

/** Throws a 401 {@link RequestRefusedError} for a request of `type` that needs the consumer known when it is not yet. */
export function checkAuthenticated(config: SocketSessionOptions, consumerId: string | undefined, type: string): void {
  if (config.requireAuthentication === true && consumerId === undefined && !BEFORE_AUTHENTICATION.has(type)) {
    throw new RequestRefusedError(401, `${type} before InitConnection authenticated the consumer`)
  }
}
