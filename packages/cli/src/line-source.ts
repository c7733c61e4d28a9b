// Standard input as lines for two readers in turn: the survey takes lines one at a time, then the
// chat takes the rest. One readline for both, so lines piped in one chunk are never lost between them.
import { createInterface } from 'node:readline'

/** Lines of one input, handed out first by {@link LineSource.next}, then to one {@link LineSource.follow} listener. */
export class LineSource {
  readonly #queued: string[] = []
  readonly #waiting: ((line: string | undefined) => void)[] = []
  readonly #lines
  #ended = false
  #listener: { readonly line: (line: string) => void; readonly end: () => void } | undefined

  constructor(input: NodeJS.ReadableStream) {
    this.#lines = createInterface({ input, terminal: false })
    this.#lines.on('line', (line) => {
      if (this.#listener !== undefined) this.#listener.line(line)
      else if (this.#waiting.length > 0) this.#waiting.shift()?.(line)
      else this.#queued.push(line)
    })
    this.#lines.on('close', () => {
      this.#ended = true
      for (const waiter of this.#waiting.splice(0)) waiter(undefined)
      this.#listener?.end()
    })
  }

  /** The next line, or `undefined` once the input ended. */
  next(): Promise<string | undefined> {
    const queued = this.#queued.shift()
    if (queued !== undefined) return Promise.resolve(queued)
    if (this.#ended) return Promise.resolve(undefined)
    return new Promise((resolve) => this.#waiting.push(resolve))
  }

  /** The lines as an async iterable that stops at the end of input (leaving the source open). */
  lines(): AsyncIterable<string> {
    return {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          const line = await this.next()
          return line === undefined ? { done: true, value: undefined } : { done: false, value: line }
        },
      }),
    }
  }

  /** Hands every line not yet taken, then each later one, to `line`; `end` once the input ended. */
  follow(line: (line: string) => void, end: () => void): void {
    this.#listener = { line, end }
    for (const queued of this.#queued.splice(0)) line(queued)
    if (this.#ended) end()
  }

  /** Stops reading. */
  close(): void {
    this.#listener = undefined
    this.#lines.close()
  }
}
