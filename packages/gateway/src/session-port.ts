// The port the gateway drives a Messaging session through: text frames in, server frames out.
import type { GatewayError } from './gateway-error.js'

/** A consumer identity the gateway verified: from a token it issued, on the upgrade or in `InitConnection`. */
export interface ConsumerIdentity {
  /** The token's `sub`: the consumer's participant id (`originatorId` of its own events). */
  readonly consumerId: string
  /** The account the token was issued for. */
  readonly accountId: string
  /** True for a token from `authenticate` (a brand vouched for the consumer), false for a `signup` token. */
  readonly authenticated: boolean
  /** The token's `exp`, in epoch milliseconds. */
  readonly expiresAt: number
}

/** One socket's Messaging session, made by a {@link SessionFactory}. */
export interface GatewaySession {
  /** A text frame from the consumer, exactly as received (not parsed by the gateway). */
  receive(text: string): void
  /** The socket closed, for whatever reason: release everything; the sink must not be used afterwards. */
  close(): void
}

/** Where a session sends its frames. */
export interface SessionSink {
  /** Sends one server frame (`resp` or `notification`), serialised as JSON text. */
  send(frame: object): void
  /**
   * Ends the socket because of `error`. A {@link GatewayError} from `verify` picks the close code
   * (`E_TOKEN_EXPIRED` → 4401, `E_IDENTITY_EXPIRED` → 4407, `E_TOKEN_INVALID` → 1008); any other
   * error closes with 1011.
   */
  error(error: Error | GatewayError): void
}

/** What the gateway tells a session when it opens it. */
export interface SessionContext {
  /** The verified identity from the upgrade's `Authorization: jwt …` header, if there was one. */
  readonly consumer: ConsumerIdentity | undefined
  /** Verifies a token from `InitConnection`; rejects with a {@link GatewayError}. */
  readonly verify: (jwt: string) => Promise<ConsumerIdentity>
  /**
   * The session tells the gateway the socket is now authenticated (a successful `InitConnection`):
   * it stops the authentication timer and closes the socket at the identity's `expiresAt`.
   */
  readonly onAuthenticated: (identity: ConsumerIdentity) => void
}

/** Makes a session per socket; the gateway's only dependency on the Messaging engine. */
export interface SessionFactory {
  /** Opens the session of a new socket; frames go to `sink`. */
  open(sink: SessionSink, context: SessionContext): GatewaySession
}
