// What a connection is doing (ConnectionState), as a documented union, and why it closed.
import type { PollerState } from './chat-poller.js'
import type { PollStopReason } from './poll-stop-decision.js'

/**
 * What a connection is doing, as a documented union:
 * - `connecting`: the current conversation has not been read yet;
 * - `live`: the last poll succeeded (also the state of a connection with no conversation yet, since
 *   the legacy side needs no handshake);
 * - `backing-off`: the last poll failed; the next follows in `retryInMs` (`error` says why);
 * - `closed`, with a {@link ConnectionCloseReason}: the conversation's chat `ended`, is `chat-gone`
 *   (404, internalCode 12), its server was `server-silent` for longer than `chatTimeout`, polling
 *   failed for good (`refused`, `unexpected`, `aborted`), or the connection was `closed-by-user`.
 */
export type ConnectionState = Exclude<PollerState, { readonly status: 'closed' }> | { readonly status: 'closed'; readonly reason: ConnectionCloseReason; readonly error?: unknown }

/** Why a connection's state is `closed`: its poll loop stopped ({@link PollStopReason}), or the connection was `closed-by-user`. */
export type ConnectionCloseReason = PollStopReason | 'closed-by-user'
