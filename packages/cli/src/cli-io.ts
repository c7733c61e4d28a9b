// What a command may touch of its process, and the chain every command runs on: core's client,
// the tap, the Messaging socket, the CLI's Messaging client and its transcript.
import { LegacyChatClient } from '@chatbridge/core'
import { MessagingSocket } from '@chatbridge/adapter'
import type { ConnectionOptions } from '@chatbridge/adapter'
import { type LegacyTarget, UsageError } from './arguments.js'
import { messageOf } from './error-text.js'
import { LegacyTap } from './legacy-tap.js'
import { MessagingSession } from './messaging-session.js'
import { Transcript, colourFor } from './transcript.js'

/** What a command may touch of its process: injected so commands stay testable. */
export interface CliIo {
  /** Writes one line to standard output. */
  readonly out: (line: string) => void
  /** Writes one line to standard error. */
  readonly err: (line: string) => void
  readonly env: NodeJS.ProcessEnv
  /** Standard input, for lines typed or piped in. */
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean }
  /** Whether standard output is a terminal, and its width. */
  readonly stdout: { readonly isTTY?: boolean; readonly columns?: number }
  /** Settles when the user interrupts (Ctrl-C, SIGTERM). */
  readonly interrupted: Promise<void>
}

/** The pieces of a CLI session on one legacy account. */
export interface Connected {
  /** Core's client the tap wraps, for reads outside a conversation (the pre-chat survey). */
  readonly client: LegacyChatClient
  readonly tap: LegacyTap
  readonly transcript: Transcript
  readonly session: MessagingSession
}

/**
 * Builds the chain every command runs on: core's client → the tap → the Messaging socket → a
 * Messaging client printing the transcript.
 */
export function connect(target: LegacyTarget, io: CliIo, json: boolean, config: ConnectionOptions = {}): Connected {
  let client: LegacyChatClient
  try {
    client = new LegacyChatClient({ accountRoot: target.accountRoot, appKey: target.appKey, format: target.format })
  } catch (error) {
    // Core checks the options (an absolute account root, …): a usage mistake, shown as one.
    throw new UsageError(messageOf(error))
  }
  // The tap reports writes to the transcript, which reads the tap: tie the knot through a holder.
  const holder: { transcript?: Transcript } = {}
  const tap = new LegacyTap(client, (write) => holder.transcript?.legacyWrite(write))
  const transcript = (holder.transcript = new Transcript(tap, {
    json,
    colour: !json && colourFor(io.stdout, io.env),
    columns: io.stdout.isTTY === true ? io.stdout.columns : undefined,
    write: io.out,
    status: io.err,
  }))
  // The readable transcript also shows legacy events of unknown type (never dropped silently);
  // --json sticks to frames a Messaging client knows.
  const socket = new MessagingSocket(tap, { ...config, emitLegacyEvents: !json }, { ownsClient: true })
  return { client, tap, transcript, session: new MessagingSession(socket, tap, transcript) }
}

/**
 * Runs `body`, then closes the session whatever happened. Resolves with `body`'s exit code, or
 * {@link EXIT_INTERRUPTED}-style `interruptedCode` when the user interrupted first.
 */
export async function untilDoneOrInterrupted(io: CliIo, session: MessagingSession, body: () => Promise<number>, interruptedCode: number): Promise<number> {
  try {
    return await Promise.race([body(), io.interrupted.then(() => interruptedCode)])
  } finally {
    await session.close()
  }
}
