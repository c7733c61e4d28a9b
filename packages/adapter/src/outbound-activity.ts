// Outbound activity: a chat session that tells pacing when the visitor types or sends, so the poll loop speeds up.
import type { CallOptions, ChatSessionPort, LegacySnapshot } from './legacy-contract.js'
import { type Few, NO_ITEMS, itemsOf, withItem, withoutItem } from './exact-lists.js'

/** Who hears a chat's outbound activity: its poll loop. @internal */
export interface ActivityListener {
  heard(): void
}

/** Where a chat's poll loop listens for its outbound activity (see {@link OutboundActivity}). @internal */
export interface ActivitySource {
  listen(listener: ActivityListener): void
  unlisten(listener: ActivityListener): void
}

/** What is told of outbound activity. @internal */
export interface ActivityPort {
  poke(): void
}

/**
 * One chat's outbound activity, as plain calls: `poke()` tells each listener at once. Not a
 * Subject: every chat has one for its whole life, and an idle chat should keep one object with
 * one listener, no subscription.
 *
 * @internal
 */
export class OutboundActivity implements ActivitySource, ActivityPort {
  // Copied on change (a chat has one listener at a time): a poke may add or remove one safely.
  #listeners: Few<ActivityListener> = NO_ITEMS

  poke(): void {
    for (const listener of itemsOf(this.#listeners)) listener.heard()
  }

  listen(listener: ActivityListener): void {
    this.#listeners = withItem(this.#listeners, listener)
  }

  unlisten(listener: ActivityListener): void {
    this.#listeners = withoutItem(this.#listeners, listener)
  }
}

/**
 * `session` with `addLine` and `setVisitorTyping` reporting to `activity` before they go out: the
 * visitor doing something means an answer may follow, so the chat's poll loop (which listens
 * through `ChatPollerOptions.activity`) polls at its fast pace again.
 *
 * @internal
 */
export function reportingActivity(session: ChatSessionPort, activity: ActivityPort): ChatSessionPort {
  return new ReportingSession(session, activity)
}

// A class, not an object of arrow functions: every chat has one for its whole life, and methods
// on the prototype cost it two fields instead of six closures.
class ReportingSession implements ChatSessionPort {
  readonly #session: ChatSessionPort
  readonly #activity: ActivityPort

  constructor(session: ChatSessionPort, activity: ActivityPort) {
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
    this.#activity.poke()
    return this.#session.addLine(text, options)
  }

  end(options?: CallOptions): Promise<void> {
    return this.#session.end(options)
  }

  setVisitorName(name: string, options?: CallOptions): Promise<void> {
    return this.#session.setVisitorName(name, options)
  }

  setVisitorTyping(status: 'typing' | 'not-typing', options?: CallOptions): Promise<void> {
    this.#activity.poke()
    return this.#session.setVisitorTyping(status, options)
  }
}
