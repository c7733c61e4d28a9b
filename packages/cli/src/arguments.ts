// The CLI's vocabulary of outcomes (its errors and exit codes) and the flags, checks and legacy
// target the commands share.
import type { ParseArgsConfig } from 'node:util'
import { firstLine, messageOf } from './error-text.js'

/**
 * A mistake on the command line (unknown flag, missing value, bad value). The CLI prints its
 * message on one line, with a pointer to `--help`, and exits with {@link EXIT_USAGE}.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/**
 * A failure the CLI reports on one line and exits with {@link EXIT_FAILURE}: an unreachable or
 * refusing server, a conversation that could not be requested, a missing optional package.
 */
export class CliFailure extends Error {
  override readonly name = 'CliFailure'
}

/** The conversation closed (or the server stopped) as asked. */
export const EXIT_OK = 0
/** The server could not be reached, refused, or the conversation failed. */
export const EXIT_FAILURE = 1
/** Bad flags or arguments. */
export const EXIT_USAGE = 2
/** Interrupted (Ctrl-C). */
export const EXIT_INTERRUPTED = 130

/** Where the legacy chat is and how to talk to it, from flags or the environment. */
export interface LegacyTarget {
  /** The account root, `https://{domain}/api/account/{accountId}`. */
  readonly accountRoot: string
  /** The app key; never printed. */
  readonly appKey: string
  /** The legacy wire format. */
  readonly format: 'json' | 'xml'
}

type Options = NonNullable<ParseArgsConfig['options']>

/** Flags every command that talks to a legacy account takes. */
export const targetOptions = {
  'account-root': { type: 'string' },
  'app-key': { type: 'string' },
  format: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options

/**
 * Runs `parse` (a `parseArgs` call) and turns its errors (unknown flag, missing value) into a
 * one-line {@link UsageError} naming the command.
 */
export function parsing<T>(command: string, parse: () => T): T {
  try {
    return parse()
  } catch (error) {
    // parseArgs adds advice about positionals starting with '-' that does not apply here.
    const message = error instanceof Error ? firstLine(error.message).replace(/\. To specify a positional argument.*$/, '.') : messageOf(error)
    throw new UsageError(`${command}: ${message}`)
  }
}

/** `json` or `xml` from `--format`; default `json`. */
export function parseFormat(command: string, value: string | undefined): 'json' | 'xml' {
  if (value === undefined || value === 'json' || value === 'xml') return value ?? 'json'
  throw new UsageError(`${command}: --format must be json or xml, got ${JSON.stringify(value)}`)
}

/** A non-negative integer flag value (`--from`, `--port`). */
export function parseNonNegativeInteger(command: string, flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const number = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number)) throw new UsageError(`${command}: ${flag} must be a non-negative integer, got ${JSON.stringify(value)}`)
  return number
}

/**
 * The legacy target from `--account-root`/`CHATBRIDGE_ACCOUNT_ROOT` and `--app-key`/
 * `CHATBRIDGE_APP_KEY`. `derivedRoot` (the root part of a chat URI) is used when neither names a
 * root. Error messages name the flags, never the key's value.
 */
export function resolveTarget(
  command: string,
  values: { readonly 'account-root'?: string | undefined; readonly 'app-key'?: string | undefined; readonly format?: string | undefined },
  env: NodeJS.ProcessEnv,
  derivedRoot?: string,
): LegacyTarget {
  const accountRoot = values['account-root'] ?? nonEmpty(env['CHATBRIDGE_ACCOUNT_ROOT']) ?? derivedRoot
  if (accountRoot === undefined) throw new UsageError(`${command}: give the account root with --account-root https://{domain}/api/account/{accountId} or CHATBRIDGE_ACCOUNT_ROOT`)
  if (!/^https?:\/\//i.test(accountRoot)) throw new UsageError(`${command}: --account-root must be an http(s) URI such as https://{domain}/api/account/{accountId}`)
  const appKey = values['app-key'] ?? nonEmpty(env['CHATBRIDGE_APP_KEY'])
  if (appKey === undefined || appKey === '') throw new UsageError(`${command}: give the app key with --app-key or CHATBRIDGE_APP_KEY`)
  return { accountRoot, appKey, format: parseFormat(command, values.format) }
}

/** The account root a chat URI hangs off (`…/api/account/{id}/chat/{chatId}` → `…/api/account/{id}`). */
export function accountRootOf(chatUri: string): string | undefined {
  return /^(https?:\/\/[^?#]*?\/api\/account\/[^/?#]+)\/chat\/[^?#]+/i.exec(chatUri)?.[1]
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

const durationUnits: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** A positive duration flag value in milliseconds: `600000`, `600000ms`, `30s`, `10m` or `1h`. */
export function parseDuration(command: string, flag: string, value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs
  const match = /^(\d+)(ms|s|m|h)?$/.exec(value)
  const ms = match === null ? NaN : Number(match[1]) * (durationUnits[match[2] ?? 'ms'] ?? NaN)
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new UsageError(`${command}: ${flag} must be a duration such as 30s, 10m or 600000 (ms), got ${JSON.stringify(value)}`)
  return ms
}
