// Pacing: how long the poll loop waits between polls — fast after activity, stretching while the chat is quiet, capped so the server never times the chat out.

/** How often the chat resource is polled. Every field is in milliseconds unless it says otherwise. */
export interface PacingOptions {
  /** Interval right after activity while an agent is in the chat; default 500. */
  readonly chattingMs: number
  /** Interval right after activity while waiting for an agent (and before the state is known); default 2 000. */
  readonly waitingMs: number
  /** Share of `chatTimeout` no wait may exceed, keep-alive included; default 1/3. */
  readonly keepAliveFraction: number
  /** The keep-alive cap is never below this (unless that is over half of `chatTimeout`); default 1 000. */
  readonly minKeepAliveMs: number
  /** `chatTimeout` in seconds assumed until the server reports one; default 40 (the server default). */
  readonly defaultChatTimeoutS: number
  /**
   * Growth of the wait after each poll that brought nothing (no event, no state change, the agent
   * not typing, nothing sent meanwhile); default 2.5 (500 ms, 1 250, 3 125, then the ceiling).
   * `1` polls at a fixed pace.
   */
  readonly idleGrowth?: number
  /**
   * The longest that stretched wait gets; default 7 × `chattingMs` (3 500 at the default 500 ms):
   * under the ~4 s an agent types before a line, so typing is seen in time and the line follows
   * within `chattingMs`. Never below the state's interval, never past the keep-alive cap.
   */
  readonly idleCeilingMs?: number
  /**
   * Whether the first wait of a poll loop at the idle ceiling is drawn at random between the
   * state's interval and the ceiling, counted from that poll's answer; default `true`. Pacing
   * counts from due times, and a poll late by more than its wait is made at once, so chats that
   * start together (a restart, a burst of new chats: more polls at first than the process makes on
   * time) would otherwise poll in step for as long as they are quiet: a burst of requests every
   * ceiling, and quiet between. Once per run: activity comes at each chat's own times, and a
   * failure's backoff is jittered. `false` keeps every chat's schedule exact.
   */
  readonly idleSpread?: boolean
}

/** Default {@link PacingOptions.idleGrowth}. @internal */
export const DEFAULT_IDLE_GROWTH = 2.5
/** Default {@link PacingOptions.idleCeilingMs}, as a multiple of `chattingMs`. @internal */
export const IDLE_CEILING_PER_CHATTING_MS = 7

/**
 * What pacing looks at: the chat's state and its `chatTimeout` in seconds, when known.
 *
 * @internal
 */
export interface PacingInput {
  readonly chatState: string | undefined
  readonly chatTimeoutS: number | undefined
}

// A process's chats are in a few states with one or two timeouts: they share these inputs (40 B a
// chat each otherwise). Bounded, since both come from the server: past the bound, inputs are not kept.
const SHARED_INPUTS = 64
const sharedInputs = new Map<string, PacingInput>()

/** The pacing input of `chatState` and `chatTimeoutS`, shared by the chats with the same two. @internal */
export function pacingInputOf(chatState: string | undefined, chatTimeoutS: number | undefined): PacingInput {
  const key = `${String(chatTimeoutS)} ${String(chatState)}`
  const known = sharedInputs.get(key)
  if (known !== undefined && known.chatState === chatState && known.chatTimeoutS === chatTimeoutS) return known
  const input: PacingInput = { chatState, chatTimeoutS }
  if (sharedInputs.size < SHARED_INPUTS) sharedInputs.set(key, input)
  return input
}

/**
 * What the last poll (and the time since the one before) showed: `active` when it brought an
 * event or a state change, showed the agent typing, or the visitor sent something meanwhile;
 * `lastWaitMs` is the wait that preceded it (`undefined` for the first poll).
 *
 * @internal
 */
export interface PollActivity {
  readonly active: boolean
  readonly lastWaitMs: number | undefined
}

/**
 * The longest any wait between two polls may be so the server does not end the chat for want of
 * requests: `keepAliveFraction × chatTimeout`, at least `minKeepAliveMs` — but never more than half
 * of `chatTimeout`, so the floor cannot let a short-lived chat (e.g. 1 s) time out between polls.
 *
 * @internal
 */
export function keepAliveCapMs(input: PacingInput, config: PacingOptions): number {
  const timeoutS = input.chatTimeoutS !== undefined && input.chatTimeoutS > 0 ? input.chatTimeoutS : config.defaultChatTimeoutS
  const timeoutMs = timeoutS * 1000
  return Math.min(Math.max(config.minKeepAliveMs, Math.floor(timeoutMs * config.keepAliveFraction)), Math.floor(timeoutMs / 2))
}

/**
 * The interval right after activity: fast while chatting, slower otherwise, capped.
 *
 * @internal
 */
export function pollIntervalMs(input: PacingInput, config: PacingOptions): number {
  const base = input.chatState === 'chatting' ? config.chattingMs : config.waitingMs
  return Math.min(base, keepAliveCapMs(input, config))
}

/**
 * The wait before the next poll after a successful one: the state's interval after activity,
 * else the last wait stretched by `idleGrowth` up to `idleCeilingMs` — never below the state's
 * interval, never past the keep-alive cap.
 *
 * @internal
 */
export function nextPollWaitMs(input: PacingInput, activity: PollActivity, config: PacingOptions): number {
  const base = pollIntervalMs(input, config)
  if (activity.active || activity.lastWaitMs === undefined) return base
  const stretched = Math.ceil(Math.max(base, activity.lastWaitMs) * (config.idleGrowth ?? DEFAULT_IDLE_GROWTH))
  return Math.max(base, Math.min(idleCeilingMs(input, config, base), stretched))
}

/**
 * When `waitMs` (from {@link nextPollWaitMs}) is the first wait at the idle ceiling, how much
 * sooner the next poll is due: a random share of the span between the state's interval and the
 * ceiling (see {@link PacingOptions.idleSpread}); `undefined` for any other wait. The loop spreads
 * once per run, the first time this is a number, counting that wait from the poll's answer (not
 * its due time, from which a poll late by more than the wait is made at once, in step with the
 * other late ones): it moves the chat's polls to a random phase of the ceiling, so chats started
 * together spread out, for one request more at most, and no wait below the state's interval.
 *
 * @internal
 */
export function idleSpreadMs(input: PacingInput, activity: PollActivity, waitMs: number, config: PacingOptions, random: () => number): number | undefined {
  if (config.idleSpread === false || activity.active || activity.lastWaitMs === undefined) return undefined
  const base = pollIntervalMs(input, config)
  const ceiling = idleCeilingMs(input, config, base)
  const span = ceiling - base
  if (waitMs !== ceiling || activity.lastWaitMs >= ceiling || span <= 0) return undefined
  return Math.floor(random() * span)
}

// The longest a quiet chat's wait gets: the configured ceiling, never below the state's interval
// (`base`), never past the keep-alive cap.
function idleCeilingMs(input: PacingInput, config: PacingOptions, base: number): number {
  return Math.min(Math.max(base, config.idleCeilingMs ?? IDLE_CEILING_PER_CHATTING_MS * config.chattingMs), keepAliveCapMs(input, config))
}

/**
 * The wait before retrying after a failure: the backoff decision, capped so the chat stays alive.
 *
 * @internal
 */
export function backoffWaitMs(retryInMs: number, input: PacingInput, config: PacingOptions): number {
  return Math.min(retryInMs, keepAliveCapMs(input, config))
}
