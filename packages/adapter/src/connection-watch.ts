// The plain-observer form of a connection's `messagingEvents$`, for hosts that keep one per conversation.
import type { Unsubscribable } from 'rxjs'
import type { Connection } from './connection.js'
import type { LazyObserver } from './lazy-subject.js'
import type { MessagingEventChange } from './messaging-types.js'
import { STOPPED } from './watch.js'

/**
 * `connection.messagingEvents$(dialogId, { fromSeq })` into `observer`: the same changes, end and
 * failure (a throw while starting is the failure), with no RxJS subscriber kept. With `'end'`, only
 * the end and failure, the chat not kept polled (for a host whose connections keep their chats
 * alive): it keeps no replay of the log. Returns what stops it.
 */
export function watchMessagingEvents(connection: Connection, dialogId: string, fromSeq: number | 'end', observer: LazyObserver<MessagingEventChange>): Unsubscribable {
  try {
    return connection.watchMessagingEvents(dialogId, fromSeq, observer)
  } catch (error) {
    observer.error(error)
    return STOPPED
  }
}
