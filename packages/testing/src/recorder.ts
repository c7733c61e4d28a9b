// recordSession: records the HTTP exchanges of any driving function with nock's recorder, scrubbed.
import type { RecordedInterceptor, ScrubOptions } from './scrub.js'
import { scrubRecording } from './scrub.js'
import { nock as loadNock } from './lazy-nock.js'

/** What {@link recordSession} returns. */
export interface RecordedSession<T> {
  /** What the driving function returned. */
  readonly result: T
  /** The session's HTTP exchanges in nock's recording format, scrubbed. */
  readonly recording: RecordedInterceptor[]
}

/** Options of {@link recordSession}. */
export interface RecordSessionOptions extends ScrubOptions {
  /** Keep request headers in the recording (scrubbed). Default `true`. */
  readonly requestHeaders?: boolean
}

/**
 * Records every HTTP exchange `drive` makes through Node's `fetch` or `http` — against any legacy
 * server, a real account too — and returns it in nock's recording format with the app key and
 * personal fields scrubbed (see {@link scrubRecording}).
 *
 * nock's recorder is process-global: do not record two sessions at once, and do not record while
 * nock interceptors of the same process are meant to answer. Afterwards nock is left inactive
 * (`nock.restore()`); {@link loadFixture} activates it again.
 */
export async function recordSession<T>(drive: () => Promise<T>, options: RecordSessionOptions = {}): Promise<RecordedSession<T>> {
  const nock = loadNock()
  nock.restore()
  nock.recorder.clear()
  nock.recorder.rec({ output_objects: true, dont_print: true, enable_reqheaders_recording: options.requestHeaders ?? true })
  let raw: RecordedInterceptor[]
  let result: T
  try {
    result = await drive()
  } finally {
    raw = nock.recorder.play() as RecordedInterceptor[]
    nock.recorder.clear()
    nock.restore()
  }
  return { result, recording: scrubRecording(raw, options) }
}
