// Verifies a brand's JWT for the `authenticate` exchange, against a configured key or a JWKS.
import { KeyObject, createPublicKey } from 'node:crypto'
import type { JsonWebKey } from 'node:crypto'
import { createRemoteJWKSet, errors, jwtVerify } from 'jose'
import type { CryptoKey, JWK } from 'jose'
import { GatewayError } from './gateway-error.js'
import type { BrandClaims } from './token-service.js'

/** A brand's public key: a WebCrypto or Node key, a JWK, or a PEM (SPKI, or a private key whose public half is used). */
export type BrandKey = CryptoKey | KeyObject | JWK | string

/** Where brand tokens are verified: a key, or a JWKS URL; optionally the issuer and audience they must carry. */
export interface BrandVerifierOptions {
  /** The brand's public key. */
  readonly brandKey?: BrandKey | undefined
  /** The brand's JWKS URL (fetched and cached by jose). */
  readonly brandJwks?: URL | undefined
  /** The `iss` brand tokens must carry, when set. */
  readonly brandIssuer?: string | undefined
  /** The `aud` brand tokens must carry, when set. */
  readonly brandAudience?: string | undefined
  /** Epoch milliseconds now; injected by tests. */
  readonly now: () => number
}

/** Verifies a brand JWT and returns its claims; rejects with `E_BRAND_TOKEN_INVALID`. */
export type BrandVerifier = (jwt: string) => Promise<BrandClaims>

// Asymmetric algorithms only: a shared-secret (HS*) or unsigned token can be forged by anyone holding the "key".
const brandAlgorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']

/** The verifier for the configured key or JWKS, or `undefined` when neither is configured. */
export function createBrandVerifier(options: BrandVerifierOptions): BrandVerifier | undefined {
  const key =
    options.brandKey !== undefined
      ? publicKeyOf(options.brandKey)
      : options.brandJwks !== undefined
        ? createRemoteJWKSet(options.brandJwks, { timeoutDuration: 5000 })
        : undefined
  if (key === undefined) return undefined
  return async (jwt) => {
    const verifyOptions = {
      algorithms: brandAlgorithms,
      requiredClaims: ['sub'],
      currentDate: new Date(options.now()),
      ...(options.brandIssuer === undefined ? {} : { issuer: options.brandIssuer }),
      ...(options.brandAudience === undefined ? {} : { audience: options.brandAudience }),
    }
    try {
      const { payload } = typeof key === 'function' ? await jwtVerify(jwt, key, verifyOptions) : await jwtVerify(jwt, key, verifyOptions)
      return { sub: payload.sub ?? '', iss: payload.iss, expiresAt: payload.exp === undefined ? undefined : payload.exp * 1000 }
    } catch (error) {
      const detail = error instanceof errors.JOSEError ? ` (${error.code})` : ''
      throw new GatewayError('E_BRAND_TOKEN_INVALID', `the brand token was refused${detail}`)
    }
  }
}

function publicKeyOf(key: BrandKey): CryptoKey | KeyObject {
  if (typeof key === 'string') return createPublicKey(key)
  if (key instanceof KeyObject) return key.type === 'private' ? createPublicKey(key) : key
  return isCryptoKey(key) ? key : createPublicKey({ key: key as JsonWebKey, format: 'jwk' })
}

function isCryptoKey(key: CryptoKey | JWK): key is CryptoKey {
  // A JWK has `kty`; a WebCrypto key has `algorithm` and `usages` instead.
  return !('kty' in key) && 'usages' in key
}
