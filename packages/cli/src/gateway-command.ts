// `chatbridge gateway`: the Messaging Window API over a real WebSocket, with its chat window at `/`,
// on a legacy account or (with no account given) on the embedded testing server.
import { readFile } from 'node:fs/promises'
import type { ConnectionOptions } from '@chatbridge/adapter'
import type { GatewayOptions } from '@chatbridge/gateway'
import { CliFailure, EXIT_OK, type LegacyTarget, UsageError, parseDuration, parseFormat, parseNonNegativeInteger, resolveTarget } from './arguments.js'
import { defineCommand } from './define-command.js'
import { demoAgent, interactiveAgent } from './demo-script.js'
import { errorCodeOf, messageOf, oneLine, scrubSecrets } from './error-text.js'
import { type GatewayStore, openGatewayStore, readSigningKey } from './gateway-store.js'

const gatewayUsage = `Usage: chatbridge gateway [options]

Serves LivePerson's Messaging Window API on a legacy chat account, so Messaging clients run
unchanged: the domain lookup (CSDS), signup, the consumer WebSocket
(/ws_api/account/{accountId}/messaging/consumer?v=3), and a chat window at /. With no
--account-root it runs on an embedded legacy chat server whose agent answers each line
("bye" makes it end the chat). Stops (draining its sockets) on Ctrl-C or SIGTERM.

Options:
  --account-root <uri>    the legacy account, https://{domain}/api/account/{accountId}
                          (or CHATBRIDGE_ACCOUNT_ROOT; default: the embedded server)
  --app-key <key>         its app key (or CHATBRIDGE_APP_KEY); never printed
  --format json|xml       the legacy wire format (default json)
  --host <address>        interface to listen on (default 127.0.0.1)
  --port <n>              TCP port (default 0: any free port)
  --public-host <h[:p]>   the host[:port] clients are told to use (behind a proxy)
  --tls-cert <file>       PEM certificate, with --tls-key: serve https: and wss:
  --tls-key <file>        PEM private key
  --self-signed           serve TLS with a certificate made at start (local use)
  --allowed-origin <o>    an origin (https://shop.example) whose pages may open sockets,
                          besides the gateway's own and loopback; repeatable
  --abandon-after <t>     end a consumer's legacy chat after this long with no socket
                          (default 10m; 30s, 10m, 1h or milliseconds)
  --idle-timeout <t>      close a socket that sent nothing for this long (default 120s)
  --static-dir <dir>      serve your own chat window from this directory at / instead of
                          the built-in one (plain file names only, the same CSP)
  --redis <url>           keep the consumers' conversations in Redis (or REDIS_URL), shared by
                          every gateway process of the deployment: redis://[user:pw@]host:port
  --lease-ttl <t>         with --redis: how long a process's hold on a chat outlives it
                          (default a quarter of the chat's chatTimeout)
  --signing-key <file>    private EC P-256 JWK (JSON) signing consumer tokens; give every process
                          of a deployment the same one (default a key made at start)
  --poll-interval <t>     wait between polls of a chat (default 500ms chatting, 2s waiting)
  --json                  print the URLs as one JSON line
  -h, --help              this help`

/** Fast pacing for the embedded server on loopback: the window should feel live. */
const embeddedPacing: ConnectionOptions = { chattingIntervalMs: 150, waitingIntervalMs: 200, backoffBaseMs: 100 }

/** `chatbridge gateway`, until interrupted. */
export const gatewayCommand = defineCommand({
  name: 'gateway',
  usage: gatewayUsage,
  options: {
    'account-root': { type: 'string' },
    'app-key': { type: 'string' },
    format: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    'public-host': { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'self-signed': { type: 'boolean' },
    'allowed-origin': { type: 'string', multiple: true },
    'abandon-after': { type: 'string' },
    'idle-timeout': { type: 'string' },
    'static-dir': { type: 'string' },
    redis: { type: 'string' },
    'lease-ttl': { type: 'string' },
    'signing-key': { type: 'string' },
    'poll-interval': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
  run: async ({ values }, io) => {
    const port = parseNonNegativeInteger('gateway', '--port', values.port, 0)
    if (port > 65535) throw new UsageError(`gateway: --port must be 0-65535, got ${port}`)
    const abandonAfterMs = parseDuration('gateway', '--abandon-after', values['abandon-after'], 10 * 60_000)
    const idleTimeoutMs = parseDuration('gateway', '--idle-timeout', values['idle-timeout'], 120_000)
    if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw new UsageError('gateway: give --tls-cert and --tls-key together')
    if (values['tls-cert'] !== undefined && values['self-signed'] === true) throw new UsageError('gateway: give --tls-cert/--tls-key or --self-signed, not both')
    const embedded = values['account-root'] === undefined && (io.env['CHATBRIDGE_ACCOUNT_ROOT'] ?? '') === ''
    const format = parseFormat('gateway', values.format)
    const tls = values['tls-cert'] === undefined ? undefined : await readTls(values['tls-cert'], values['tls-key'] ?? '')
    const signingKey = await readSigningKey(values['signing-key'])
    const pollMs = values['poll-interval'] === undefined ? undefined : parseDuration('gateway', '--poll-interval', values['poll-interval'], 0)
    const pacing: ConnectionOptions = pollMs === undefined ? {} : { chattingIntervalMs: pollMs, waitingIntervalMs: pollMs }

    // Loaded only now, so --help and flag errors answer without loading the server or the engine.
    const legacy = embedded ? await startEmbedded(format) : { target: resolveTarget('gateway', values, io.env), close: () => Promise.resolve() }
    const { target } = legacy
    const secrets = [target.appKey]
    let stored: GatewayStore | undefined
    try {
      stored = await openGatewayStore(values, io.env)
      const { startGateway } = await import('@chatbridge/gateway')
      const accountId = accountIdOf(target.accountRoot)
      const options: GatewayOptions = {
        accountId,
        legacy: { ...target, connection: { ...(embedded ? embeddedPacing : {}), ...pacing } },
        abandonAfterMs,
        host: values.host ?? '127.0.0.1',
        port,
        idleTimeoutMs,
        ...(values['public-host'] === undefined ? {} : { publicHost: values['public-host'] }),
        ...(tls === undefined ? {} : { tls }),
        ...(values['self-signed'] === true ? { selfSigned: true } : {}),
        ...(values['allowed-origin'] === undefined ? {} : { allowedOrigins: values['allowed-origin'] }),
        ...(values['static-dir'] === undefined ? {} : { staticDir: values['static-dir'] }),
        ...(signingKey === undefined ? {} : { signingKey }),
        ...(stored === undefined ? {} : { store: stored.store, relay: stored.relay }),
        onError: (error) => io.err(scrubSecrets(`chatbridge: gateway: ${oneLine(messageOf(error))}`, secrets)),
      }
      const gateway = await startGateway(options).catch((error: unknown) => {
        // A bad --public-host or --allowed-origin is the user's to fix: a usage error in the gateway's
        // words, without its example call (which is for code, not for the command line).
        if (errorCodeOf(error) !== 'E_GATEWAY_OPTIONS') throw error
        throw new UsageError(`gateway: ${messageOf(error).replace(/; e\.g\. startGateway\(.*$/, '')}`)
      })
      const window = `${new URL(gateway.url).protocol}//${gateway.publicHost}/`
      if (values.json === true) {
        io.out(JSON.stringify({ url: gateway.url, wsUrl: gateway.wsUrl, publicHost: gateway.publicHost, accountId, window }))
      } else {
        io.out(`chatbridge gateway for account ${accountId}: open the chat window at ${window}`)
        io.out(`Messaging clients: CSDS and signup at ${gateway.url}, the socket at ${gateway.wsUrl}. Stop with Ctrl-C.`)
      }
      io.err(
        embedded
          ? `chatbridge: gateway on the embedded legacy chat server at ${target.accountRoot} (${format}); agent ${demoAgent.name} answers each line, "bye" ends the chat`
          : `chatbridge: gateway on the legacy account ${target.accountRoot} (${format}); consumers' chats are abandoned after ${abandonAfterMs} ms without a socket`,
      )
      await io.interrupted
      await gateway.close()
      return EXIT_OK
    } finally {
      // After the gateway: its connections' last writes go to the store before it closes.
      await stored?.close()
      await legacy.close()
    }
  },
})

/** The embedded testing server with the demo's agent, answering every line. */
async function startEmbedded(format: 'json' | 'xml'): Promise<{ readonly target: LegacyTarget; close(): Promise<void> }> {
  const { autoAgent, startLegacyChatServer } = await import('@chatbridge/testing')
  const server = await startLegacyChatServer({ agent: interactiveAgent(autoAgent) })
  return { target: { accountRoot: server.accountRoot, appKey: server.appKey, format }, close: () => server.close() }
}

/** The account id an account root ends with (`…/api/account/{accountId}`). */
function accountIdOf(accountRoot: string): string {
  const id = /\/api\/account\/([^/?#]+)\/?(?:[?#]|$)/i.exec(accountRoot)?.[1]
  if (id === undefined) throw new UsageError(`gateway: --account-root must end with /api/account/{accountId}, got ${JSON.stringify(accountRoot)}`)
  return decodeURIComponent(id)
}

async function readTls(certFile: string, keyFile: string): Promise<{ readonly cert: Buffer; readonly key: Buffer }> {
  const read = async (file: string, flag: string): Promise<Buffer> => {
    try {
      return await readFile(file)
    } catch (error) {
      throw new CliFailure(`gateway: cannot read ${flag} ${file}: ${messageOf(error)}`)
    }
  }
  return { cert: await read(certFile, '--tls-cert'), key: await read(keyFile, '--tls-key') }
}
