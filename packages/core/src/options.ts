/** The option bags and request shapes of the public API. */
import type { Dispatcher } from 'undici'
import type { SurveySubmission } from './journey-requests.js'

/** The wire format chatbridge asks the legacy server for. */
export type ChatFormat = 'json' | 'xml'

/**
 * How the transport sends requests: one bag, its defaults in one table (`TRANSPORT_DEFAULTS`),
 * resolved once when a client is made. Every field is optional.
 */
export interface TransportOptions {
  /** Wire format; default `'json'`. Both decode into the same model. */
  readonly format?: ChatFormat
  /**
   * The undici dispatcher for every request. Default: an `Agent` owned by the client (closed by
   * `close()`), with `connections` per origin and the timeouts below.
   */
  readonly dispatcher?: Dispatcher
  /** Sockets per origin for the owned dispatcher; default 16. */
  readonly connections?: number
  /** Whole-request timeout in milliseconds (headers and body), per redirect hop; default 10 000. */
  readonly requestTimeoutMs?: number
  /** Connect timeout in milliseconds for the owned dispatcher; default 5 000. */
  readonly connectTimeoutMs?: number
  /** Largest response body accepted, in bytes; default 1 MiB (1 048 576). */
  readonly maxBodyBytes?: number
  /**
   * Other origins (e.g. `https://lo.convep.liveperson.net`) the client may reach; default none.
   *
   * One policy covers every URI the client is handed or follows — a chat's `Location`, a URI given
   * to `attach`, a link relation, a redirect: it must be under the account root on the account's
   * origin, or anywhere on one of these origins; anything else (another origin, a path outside the
   * account, a non-HTTP scheme) is refused with `ForeignOriginError` before a byte is sent.
   * Requests to an allowed foreign origin never carry the app key.
   */
  readonly allowedOrigins?: readonly string[]
  /**
   * How requests go out: `'request'` (`undici.request`, the default: in `pnpm bench` it serves
   * 2–3× the polls per second of fetch at about 40% of its CPU per poll) or `'fetch'` (global `fetch` with
   * the same dispatcher — the path nock and other global-fetch interceptors can see; use it for
   * recorded fixtures). Both share every other layer, decoding included.
   */
  readonly transport?: 'fetch' | 'request'
}

/** Options of {@link LegacyChatClient}: where, with which key, and how ({@link TransportOptions}). */
export interface LegacyChatClientOptions extends TransportOptions {
  /** The account root URI, `https://{domain}/api/account/{accountId}` (see {@link findAccountRoot}). */
  readonly accountRoot: string | URL
  /** The app key, sent as `Authorization: LivePerson appKey=…` to the account's origin only. */
  readonly appKey: string
  /**
   * Where the account's entry points come from. `'account-resource'` (default): the links of
   * `GET {accountRoot}`, read once, with the documented paths when it answers 404.
   * `'documented-paths'`: the documented paths only, one request fewer (for servers known not to
   * serve the account resource, and recordings made without it).
   */
  readonly entryPoints?: 'account-resource' | 'documented-paths'
}

/** Per-call options. */
export interface RequestOptions {
  /** Aborts the request; the call then rejects with `AbortedError`. */
  readonly signal?: AbortSignal
  /** Overrides the client's `requestTimeoutMs` for this call. */
  readonly timeoutMs?: number
}

/** The body of a chat request (`POST chat/request`). Only documented fields are typed. */
export interface StartChatRequest {
  /** The skill **name** (not its id). */
  readonly skill?: string
  /** Seconds (0–86 400) the visitor is willing to wait. */
  readonly maxWaitTime?: number
  /** Seconds without a request after which the server ends the chat (`chatTimeout`); server default 40. */
  readonly interactionTimeout?: number
  readonly visitorIp?: string
  readonly chatReferrer?: string
  readonly userAgent?: string
  readonly visitorId?: string
  /** Lines shown to the agent only. */
  readonly preChatLines?: readonly string[]
  /** Pre-chat survey answers (read the survey with `preChatSurvey()`). */
  readonly survey?: SurveySubmission
  readonly engagementId?: string | number
  readonly campaignId?: string | number
  readonly language?: string
  /** From `authenticateVisitor()`: makes this an authenticated chat. */
  readonly participantId?: string
  /** From `authenticateVisitor()`, with `participantId`. */
  readonly conversationId?: string
  readonly LETagVisitorId?: string
  readonly LETagSessionId?: string
  readonly LETagContextId?: string
  /** Further fields sent as they are (e.g. `a2a*` fields of an account-to-account transfer). */
  readonly extra?: Readonly<Record<string, unknown>>
}

/** Query of the availability, wait-time and slots checks. */
export interface AvailabilityQuery {
  readonly skill?: string
  readonly serviceQueue?: string
  /** Seconds, 0–86 400; with 0 only an agent free right now counts. */
  readonly maxWaitTime?: number
  /** An agent's login name; cannot be combined with the others. */
  readonly agent?: string
}
