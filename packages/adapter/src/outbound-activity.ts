// Outbound activity: a chat session that tells pacing when the visitor types or sends, so the poll loop speeds up.
import type { Observer } from 'rxjs'
import type { CallOptions, ChatSessionPort, LegacySnapshot } from './legacy-contract.js'

/**
 * `session` with `addLine` and `setVisitorTyping` reporting to `activity` before they go out: the
 * visitor doing something means an answer may follow, so the chat's poll loop (which listens
 * through `ChatPollerOptions.activity$`) polls at its fast pace again.
 *
 * @internal
 */
export function reportingActivity(session: ChatSessionPort, activity: Pick<Observer<void>, 'next'>): ChatSessionPort {
  return new ReportingSession(session, activity)
}

// A class, not an object of arrow functions: every chat has one for its whole life, and methods
// on the prototype cost it two fields instead of six closures.
class ReportingSession implements ChatSessionPort {
  readonly #session: ChatSessionPort
  readonly #activity: Pick<Observer<void>, 'next'>

  constructor(session: ChatSessionPort, activity: Pick<Observer<void>, 'next'>) {
    this.#session = session
    this.#activity = activity
  }

  get conversationId(): string {
    return this.#session.conversationId
  }

  snapshot(options?: CallOptions & { readonly from?: number }): Promise<LegacySnapshot> {
    return this.#session.snapshot(options)
  }

  followNext(next: URL, options?: CallOptions): Promise<LegacySnapshot> {
    return this.#session.followNext(next, options)
  }

  addLine(text: string, options?: CallOptions): Promise<number | undefined> {
    this.#activity.next()
    return this.#session.addLine(text, options)
  }

  end(options?: CallOptions): Promise<void> {
    return this.#session.end(options)
  }

  setVisitorName(name: string, options?: CallOptions): Promise<void> {
    return this.#session.setVisitorName(name, options)
  }

  setVisitorTyping(status: 'typing' | 'not-typing', options?: CallOptions): Promise<void> {
    this.#activity.next()
    return this.#session.setVisitorTyping(status, options)
  }
}
