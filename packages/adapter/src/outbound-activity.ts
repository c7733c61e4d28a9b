// Outbound activity: a chat session that tells pacing when the visitor types or sends, so the poll loop speeds up.
import type { Observer } from 'rxjs'
import type { ChatSessionPort } from './legacy-contract.js'

/**
 * `session` with `addLine` and `setVisitorTyping` reporting to `activity` before they go out: the
 * visitor doing something means an answer may follow, so the chat's poll loop (which listens
 * through `ChatPollerOptions.activity$`) polls at its fast pace again.
 *
 * @internal
 */
export function reportingActivity(session: ChatSessionPort, activity: Pick<Observer<void>, 'next'>): ChatSessionPort {
  return {
    conversationId: session.conversationId,
    snapshot: (options) => session.snapshot(options),
    followNext: (next, options) => session.followNext(next, options),
    addLine: (text, options) => {
      activity.next()
      return session.addLine(text, options)
    },
    end: (options) => session.end(options),
    setVisitorName: (name, options) => session.setVisitorName(name, options),
    setVisitorTyping: (status, options) => {
      activity.next()
      return session.setVisitorTyping(status, options)
    },
  }
}
