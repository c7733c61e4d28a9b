// The gateway's consumer tokens: issues them (ES256) and verifies every one it is given.
import { createHmac, hkdfSync, randomUUID } from 'node:crypto'
import { SignJWT, errors, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose'
import type { CryptoKey, JWK, JWTPayload } from 'jose'
import { GatewayError } from './gateway-error.js'
import type { ConsumerIdentity } from './session-port.js'

/** What {@link createTokenService} needs. */
export interface TokenServiceOptions {
  /** The account tokens are issued for: their `aud`. */
  readonly accountId: string
  /** The tokens' `iss`. */
  readonly issuer: string
  /** A private EC P-256 JWK; when absent, a key is generated (tokens then die with the process). */
  readonly signingKey?: JWK | undefined
  /** Lifetime of unauthenticated (`signup`) tokens, in milliseconds. */
  readonly identityTtlMs: number
  /** Longest lifetime of authenticated tokens, in milliseconds (the brand token's `exp` may cut it). */
  readonly authenticatedTtlMs: number
  /** Epoch milliseconds now; injected by tests. */
  readonly now: () => number
}

/** A brand's verified claims, as the `authenticate` exchange uses them. */
export interface BrandClaims {
  /** The brand's subject: the consumer as the brand knows it. */
  readonly sub: string
  /** The brand token's issuer, so two brands' users never collide. */
  readonly iss: string | undefined
  /** The brand token's `exp`, in epoch milliseconds. */
  readonly expiresAt: number | undefined
}

/** Issues and verifies the gateway's consumer tokens. */
export interface TokenService {
  /** A fresh unauthenticated identity: a new random `sub`. */
  signup(): Promise<string>
  /** An authenticated identity whose `sub` is derived from the brand's, the same for the same brand user. */
  exchange(brand: BrandClaims): Promise<string>
  /** Verifies signature (ES256 only), issuer, account and `exp`; rejects with a {@link GatewayError}. */
  verify(jwt: string): Promise<ConsumerIdentity>
}

const authenticatedClaim = 'chatbridge.authenticated'

/** Makes the token service, importing (or generating) the signing key once. */
export async function createTokenService(options: TokenServiceOptions): Promise<TokenService> {
  const { privateKey, publicKey, secret } = await signingKeys(options.signingKey)
  // A keyed hash of the brand's identity: stable for one signing key, unguessable without it.
  const subjectKey = Buffer.from(hkdfSync('sha256', secret, '', 'chatbridge-gateway consumer subject', 32))

  const sign = async (sub: string, authenticated: boolean, expiresAt: number): Promise<string> =>
    new SignJWT({ [authenticatedClaim]: authenticated })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .setSubject(sub)
      .setIssuer(options.issuer)
      .setAudience(options.accountId)
      .setIssuedAt(Math.floor(options.now() / 1000))
      .setExpirationTime(Math.floor(expiresAt / 1000))
      .sign(privateKey)

  return {
    signup: () => sign(randomUUID(), false, options.now() + options.identityTtlMs),
    exchange: (brand) => {
      const sub = createHmac('sha256', subjectKey).update(`${brand.iss ?? ''}\n${brand.sub}`).digest('base64url')
      const cap = options.now() + options.authenticatedTtlMs
      return sign(sub, true, Math.min(cap, brand.expiresAt ?? cap))
    },
    verify: async (jwt) => {
      try {
        const { payload } = await jwtVerify(jwt, publicKey, {
          algorithms: ['ES256'],
          issuer: options.issuer,
          audience: options.accountId,
          requiredClaims: ['sub', 'exp'],
          currentDate: new Date(options.now()),
        })
        return identityOf(payload, options.accountId)
      } catch (error) {
        throw refusal(error)
      }
    },
  }
}

async function signingKeys(jwk: JWK | undefined): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey; secret: string }> {
  if (jwk === undefined) {
    const pair = await generateKeyPair('ES256', { extractable: true })
    const exported = await exportJWK(pair.privateKey)
    return { privateKey: pair.privateKey, publicKey: pair.publicKey, secret: exported.d ?? '' }
  }
  const { d, ...publicJwk } = jwk
  const privateKey = await importJWK({ ...jwk, alg: 'ES256' }, 'ES256')
  const publicKey = await importJWK({ ...publicJwk, alg: 'ES256' }, 'ES256')
  if (privateKey instanceof Uint8Array || publicKey instanceof Uint8Array) throw new GatewayError('E_GATEWAY_OPTIONS', 'signingKey must be a private EC P-256 JWK, e.g. startGateway({ accountId, sessions, signingKey: { kty: "EC", crv: "P-256", x, y, d } })')
  return { privateKey, publicKey, secret: d ?? '' }
}

function identityOf(payload: JWTPayload, accountId: string): ConsumerIdentity {
  return {
    consumerId: payload.sub ?? '',
    accountId,
    authenticated: payload[authenticatedClaim] === true,
    expiresAt: (payload.exp ?? 0) * 1000,
  }
}

/** The typed refusal for a jose failure; the message names the failed check, never the token. */
function refusal(error: unknown): GatewayError {
  if (error instanceof errors.JWTExpired) {
    return error.payload[authenticatedClaim] === true
      ? new GatewayError('E_TOKEN_EXPIRED', 'the consumer token has expired: get a fresh one from authenticate')
      : new GatewayError('E_IDENTITY_EXPIRED', 'the unauthenticated identity has expired: sign up again')
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new GatewayError('E_TOKEN_INVALID', `the consumer token was refused: claim "${error.claim}" ${error.reason}`)
  }
  if (error instanceof errors.JOSEError) {
    return new GatewayError('E_TOKEN_INVALID', `the consumer token was refused (${error.code})`)
  }
  return new GatewayError('E_TOKEN_INVALID', 'the consumer token was refused')
}
