import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TLSSocket } from 'node:tls'
import { generate } from 'selfsigned'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { WebSocket } from 'ws'
import { startCli, type CliProcess } from './run-cli.js'

// Each test runs the built command as a process, one at a time.
vi.setConfig({ testTimeout: 45_000 })
const startMs = 20_000

interface Listening {
  readonly url: string
  readonly wsUrl: string
  readonly window: string
}

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chatbridge-cli-tls-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** Starts `chatbridge gateway --json …args` and reads its first line, which must be the URLs. */
async function startGatewayCli(args: readonly string[]): Promise<{ cli: CliProcess; listening: Listening }> {
  const cli = startCli(['gateway', '--json', ...args])
  const first = await cli.line(/^\{/, startMs)
  return { cli, listening: JSON.parse(first) as Listening }
}

async function stop(cli: CliProcess): Promise<void> {
  cli.child.kill('SIGTERM')
  expect(await cli.exit(startMs)).toBe(0)
}

/** GET over https trusting `ca` only (or, with `undefined`, trusting nothing but reading the peer's certificate). */
function httpsGet(url: string, ca: string | undefined): Promise<{ status: number; body: string; certificate: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, ca === undefined ? { rejectUnauthorized: false } : { ca }, (res) => {
      const raw = (res.socket as TLSSocket).getPeerX509Certificate()?.toString() ?? ''
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, certificate: raw }))
    })
    req.once('error', reject)
    req.end()
  })
}

/** True once the consumer socket opens over wss trusting `ca` only (the TLS handshake is what is tested; no token needed). */
function wssOpens(url: string, ca: string): Promise<true> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { ca })
    ws.once('open', () => {
      ws.close()
      resolve(true)
    })
    ws.once('error', reject)
  })
}

/** A certificate and key for 127.0.0.1, written to files for --tls-cert/--tls-key. */
async function certificatePair(): Promise<{ cert: string; certFile: string; keyFile: string }> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  })
  const certFile = join(dir, 'cert.pem')
  const keyFile = join(dir, 'key.pem')
  await writeFile(certFile, pems.cert)
  await writeFile(keyFile, pems.private)
  return { cert: pems.cert, certFile, keyFile }
}

describe('chatbridge gateway over TLS', () => {
  test('--self-signed prints https:/wss: URLs and serves them with a certificate a client can pin', async () => {
    const { cli, listening } = await startGatewayCli(['--self-signed'])
    try {
      expect(listening.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
      expect(listening.wsUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ws_api\//)
      expect(listening.window).toMatch(/^https:/)
      // The certificate is made at start: read it once, then trust exactly it.
      const { certificate } = await httpsGet(`${listening.url}/healthz`, undefined)
      const health = await httpsGet(`${listening.url}/healthz`, certificate)
      expect(health.status).toBe(200)
      expect(await wssOpens(listening.wsUrl, certificate)).toBe(true)
    } finally {
      await stop(cli)
    }
  })

  test('--tls-cert/--tls-key serve the given certificate on https: and wss:', async () => {
    const { cert, certFile, keyFile } = await certificatePair()
    const { cli, listening } = await startGatewayCli(['--tls-cert', certFile, '--tls-key', keyFile])
    try {
      expect(listening.url).toMatch(/^https:/)
      expect(listening.wsUrl).toMatch(/^wss:/)
      const health = await httpsGet(`${listening.url}/healthz`, cert)
      expect(health.status).toBe(200)
      expect(JSON.parse(health.body)).toEqual({ status: 'ok' })
      expect(await wssOpens(listening.wsUrl, cert)).toBe(true)
    } finally {
      await stop(cli)
    }
  })

  test('a missing --tls-key file fails with one line', async () => {
    const { certFile } = await certificatePair()
    const cli = startCli(['gateway', '--tls-cert', certFile, '--tls-key', join(dir, 'nope.pem')])
    cli.child.stdin.end()
    expect(await cli.exit(startMs)).not.toBe(0)
    expect(cli.stderr()).toMatch(/--tls-key .*nope\.pem/)
  })

  test('--static-dir serves a team\'s own window at /', async () => {
    const window = await mkdtemp(join(dir, 'window-'))
    await writeFile(join(window, 'index.html'), '<!doctype html><title>Our shop chat</title>')
    const { cli, listening } = await startGatewayCli(['--static-dir', window])
    try {
      const res = await fetch(listening.window)
      expect(res.status).toBe(200)
      expect(await res.text()).toContain('Our shop chat')
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    } finally {
      await stop(cli)
    }
  })

  test('--static-dir that is not a directory is a usage error', async () => {
    const cli = startCli(['gateway', '--static-dir', join(dir, 'missing')])
    cli.child.stdin.end()
    expect(await cli.exit(startMs)).toBe(2)
    expect(cli.stderr()).toMatch(/staticDir must be an existing directory/)
  })
})
