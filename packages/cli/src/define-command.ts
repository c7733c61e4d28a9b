// The skeleton every `chatbridge` command shares: parse its flags (mistakes become one-line usage
// errors), answer `--help`, refuse stray arguments, then run.
import type { ParseArgsConfig } from 'node:util'
import { parseArgs } from 'node:util'
import { EXIT_OK, UsageError, parsing } from './arguments.js'
import type { CliIo } from './cli-io.js'

type Options = NonNullable<ParseArgsConfig['options']> & { readonly help: { readonly type: 'boolean'; readonly short: 'h' } }

/** The flag values and positionals `parseArgs` gives for `options`. */
export type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: true }>>

/** A `chatbridge` command: its name, its `--help` text, and how to run it. */
export interface Command {
  /** The command's name (`chatbridge <name>`). */
  readonly name: string
  /** What `chatbridge <name> --help` prints. */
  readonly usage: string
  /** Runs the command on its arguments and resolves with the exit code. */
  readonly run: (argv: readonly string[], io: CliIo) => Promise<number>
}

/** What {@link defineCommand} needs. */
export interface CommandDefinition<O extends Options> {
  /** The command's name, also the prefix of its usage errors. */
  readonly name: string
  /** What `--help` prints. */
  readonly usage: string
  /** Its flags, `help` (`-h`) among them. */
  readonly options: O
  /** Whether it takes positional arguments; without, any is a usage error. Default false. */
  readonly positionals?: boolean
  /** The command itself, on parsed flags. */
  readonly run: (parsed: Parsed<O>, io: CliIo) => Promise<number>
}

/** Builds a {@link Command} from its flags and body. */
export function defineCommand<O extends Options>(definition: CommandDefinition<O>): Command {
  const { name, usage, options } = definition
  return {
    name,
    usage,
    run: async (argv, io) => {
      const parsed = parsing(name, () => parseArgs({ args: [...argv], options, strict: true, allowPositionals: true }))
      // `help` is among every command's options; the generic parse result cannot say so.
      if ((parsed.values as { readonly help?: boolean }).help === true) {
        io.out(usage)
        return EXIT_OK
      }
      if (definition.positionals !== true && parsed.positionals.length > 0) throw new UsageError(`${name}: unexpected argument ${JSON.stringify(parsed.positionals[0])}`)
      return definition.run(parsed, io)
    },
  }
}
