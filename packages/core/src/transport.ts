/**
 * The transport: all HTTP of chatbridge, as a chain of small layers over one HTTP call. Outermost
 * first: secret scrubbing → format negotiation (and HTTP error mapping) → body limit → redirects →
 * origin guard → app-key auth → version parameters → network error mapping → timeout/abort → the
 * call. Each layer lives in `transport/` and is tested alone.
 */
import type * as t from 'io-ts'
import { Agent } from 'undici'
import type { Dispatcher } from 'undici'
import { decodeWith } from './decode.js'
import { redactUri } from './redact.js'
import type { ResolvedTransportOptions } from './transport-options.js'
import { appKeyAuth } from './transport/app-key-auth.js'
import { bodyLimit } from './transport/body-limit.js'
import { followRedirects } from './transport/follow-redirects.js'
import { formatNegotiation } from './transport/format-negotiation.js'
import type { TransportRequest, TransportResponse } from './transport/format-negotiation.js'
import { compose } from './transport/handler.js'
import type { Handler } from './transport/handler.js'
import { httpCall } from './transport/http-call.js'
import { networkErrors } from './transport/network-errors.js'
import { assertAllowedTarget, originGuard, originPolicy } from './transport/origin-guard.js'
import type { OriginPolicy } from './transport/origin-guard.js'
import { requestTimeout } from './transport/request-timeout.js'
import { scrubError, scrubSecrets } from './transport/scrub-secrets.js'
import { versionParameters } from './transport/version-parameters.js'
import { wireFormat } from './wire-format.js'
import type { WireFormat } from './wire-format.js'

export type { TransportRequest, TransportResponse } from './transport/format-negotiation.js'

const MAX_REDIRECTS = 5

/** Who the transport speaks for: the account root (home) and its app key (`''`: none). */
export interface TransportIdentity {
  readonly home: URL
  readonly appKey: string
}

/**
 * Sends documents to the legacy server and decodes what comes back; every failure is a typed
 * `ChatBridgeError` with no secret in it. Also the owner of the origin policy.
 */
export class Transport {
  readonly home: URL
  readonly format: WireFormat
  readonly #appKey: string
  readonly #policy: OriginPolicy
  readonly #dispatcher: Dispatcher
  readonly #ownsDispatcher: boolean
  readonly #send: Handler<TransportRequest, TransportResponse>

  constructor(identity: TransportIdentity, options: ResolvedTransportOptions) {
    this.home = identity.home
    this.#appKey = identity.appKey
    this.format = wireFormat(options.format)
    this.#policy = originPolicy(identity.home, options.allowedOrigins)
    this.#ownsDispatcher = options.dispatcher === undefined
    this.#dispatcher =
      options.dispatcher ??
      new Agent({
        connections: options.connections,
        pipelining: 1,
        connectTimeout: options.connectTimeoutMs,
        // Off: the request-timeout layer's deadline covers head and body already, and undici's
        // own timers cost every request a timer object or two kept until undici's next sweep.
        headersTimeout: 0,
        bodyTimeout: 0,
      })
    const http = compose(
      httpCall(options.transport, this.#dispatcher),
      bodyLimit(options.maxBodyBytes),
      followRedirects(MAX_REDIRECTS),
      originGuard(this.#policy),
      appKeyAuth(identity.home, identity.appKey),
      versionParameters(),
      networkErrors(),
      requestTimeout(options.requestTimeoutMs),
    )
    this.#send = compose(formatNegotiation(this.format)(http), scrubSecrets(identity.appKey))
  }

  /** Sends a request; resolves for 2xx, throws a typed `ChatBridgeError` otherwise. */
  send(request: TransportRequest): Promise<TransportResponse> {
    return this.#send(request)
  }

  /** Decodes a response's document with a codec; failures are scrubbed like every other error. */
  decode<A>(codec: t.Decoder<unknown, A>, response: TransportResponse): A {
    try {
      return decodeWith(codec, response.document, () => ({ uri: redactUri(response.uri), status: response.status, format: response.format }))
    } catch (error) {
      throw scrubError(error, this.#appKey)
    }
  }

  /** Throws `ForeignOriginError` unless the origin policy allows `target` (found in `resource`). */
  assertAllowed(target: URL, resource: URL): void {
    assertAllowedTarget(target, this.#policy, resource)
  }

  /** Closes the dispatcher if the transport created it. */
  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close()
  }
}
