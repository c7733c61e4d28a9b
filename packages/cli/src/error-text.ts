// How the CLI turns a failure into text it may print: a message, its stable code, one line, and
// the app key scrubbed out whatever produced it.

/** A failure's message (`String(error)` for what is not an `Error`). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** The first line of `text`. */
export function firstLine(text: string): string {
  return text.split('\n')[0] ?? text
}

/** `text` on one line: line breaks and the blanks around them become one space. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ')
}

/** The stable `code` of a failure (core's `E_…` codes, Node's `ECONNREFUSED`, …), if it has a string one. */
export function errorCodeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  return typeof code === 'string' ? code : undefined
}

/** The HTTP status a failure carries (core's `HttpError`), if any. */
export function statusOf(error: unknown): number | undefined {
  const status = typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined
  return typeof status === 'number' ? status : undefined
}

/**
 * The app keys this run was given, from `--app-key <key>`, `--app-key=<key>` and
 * `CHATBRIDGE_APP_KEY`. Values under 4 characters are left out: scrubbing them would mangle text.
 */
export function appKeysOf(argv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const flag = argv.findIndex((arg) => arg === '--app-key' || arg.startsWith('--app-key='))
  const arg = flag < 0 ? undefined : argv[flag]
  const given = arg === undefined ? undefined : arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[flag + 1]
  return [env['CHATBRIDGE_APP_KEY'], given].filter((key): key is string => key !== undefined && key.length >= 4)
}

/**
 * `text` with every one of `secrets` replaced by `[REDACTED]`; core scrubs its own errors the same
 * way, this guards what the CLI prints from anywhere else.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join('[REDACTED]'), text)
}
