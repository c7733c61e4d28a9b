// A self-signed certificate for local `wss://` use, made at start.
import { isIP } from 'node:net'
import { generate } from 'selfsigned'

/** A PEM certificate and its private key. */
export interface TlsCredentials {
  /** The certificate, PEM. */
  readonly cert: string
  /** The private key, PEM. */
  readonly key: string
}

/** A fresh EC P-256 / SHA-256 certificate naming `host` (and `localhost`, 127.0.0.1, ::1) in its subject alternative names. */
export async function selfSignedCredentials(host: string): Promise<TlsCredentials> {
  const names = new Set([host, 'localhost', '127.0.0.1', '::1'])
  const altNames = [...names]
    .filter((name) => name !== '0.0.0.0' && name !== '::')
    .map((name) => (isIP(name) === 0 ? { type: 2 as const, value: name } : { type: 7 as const, ip: name }))
  const pems = await generate([{ name: 'commonName', value: host }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  })
  return { cert: pems.cert, key: pems.private }
}
