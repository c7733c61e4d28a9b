// The check of a socket session's configuration at construction: every mistake named, with a correct call.
import { InvalidArgumentError } from '@chatbridge/core'
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
