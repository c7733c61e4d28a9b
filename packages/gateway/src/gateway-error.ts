// The gateway's one error class and its stable codes.
import { ChatBridgeError } from '@chatbridge/core'

/** Stable codes of {@link GatewayError}. */
export type GatewayErrorCode =
  /** An option of `startGateway` is missing, malformed or contradicts another; the message shows a correct call. */
  | 'E_GATEWAY_OPTIONS'
  /** The server could not listen on the configured host and port (in use, not permitted, no such address). */
  | 'E_LISTEN'
  /** A consumer token's `exp` has passed and it was an authenticated identity: get a fresh one (close 4401). */
  | 'E_TOKEN_EXPIRED'
  /** A consumer token's `exp` has passed and it was an unauthenticated identity: sign up again (close 4407). */
  | 'E_IDENTITY_EXPIRED'
  /** A consumer token is not one this gateway issued for this account: bad signature, algorithm, issuer or account. */
  | 'E_TOKEN_INVALID'
  /** A brand's JWT given to `authenticate` did not verify against the configured key or JWKS. */
  | 'E_BRAND_TOKEN_INVALID'

/**
 * A failure of the gateway, with a stable `code`. Like every chatbridge error it is a `ChatBridgeError`.
 * Messages name what failed (a claim, an option) and never hold a token, a key or a secret.
 */
export class GatewayError extends ChatBridgeError {
  declare readonly code: GatewayErrorCode

  /** Makes an error with `code` and a message that says what failed; `cause` is kept for the caller only. */
  constructor(code: GatewayErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(code, message, options)
  }
}
