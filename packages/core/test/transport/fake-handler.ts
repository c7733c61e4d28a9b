import type { Handler, HttpRequest, HttpResponse } from '../../src/transport/handler.js'
import { concat } from '../../src/transport/read-body.js'

/** A canned answer of {@link fakeHandler}. */
export interface FakeAnswer {
  readonly status?: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string | readonly string[]
}

/** A handler that records requests and answers from a function; no network. */
export function fakeHandler(answer: (request: HttpRequest) => FakeAnswer | Promise<FakeAnswer> = () => ({})): Handler & {
  readonly requests: HttpRequest[]
  readonly discarded: number
} {
  const requests: HttpRequest[] = []
  let discarded = 0
  const handler = async (request: HttpRequest): Promise<HttpResponse> => {
    requests.push(request)
    return responseOf(request.url, await answer(request), () => (discarded += 1))
  }
  return Object.defineProperties(handler, {
    requests: { value: requests },
    discarded: { get: () => discarded },
  }) as Handler & { readonly requests: HttpRequest[]; readonly discarded: number }
}

/** A response with a body made of `chunks`; passing the read's limit drops the rest (a discard). */
export function responseOf(url: URL, answer: FakeAnswer, onDiscard: () => void = () => undefined): HttpResponse {
  const headers = new Map(Object.entries(answer.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]))
  const chunks = typeof answer.body === 'string' ? [answer.body] : (answer.body ?? [])
  return {
    status: answer.status ?? 200,
    url,
    header: (name) => headers.get(name.toLowerCase()) ?? null,
    discard: onDiscard,
    read: readerOf(
      chunks.map((chunk) => new TextEncoder().encode(chunk)),
      undefined,
      onDiscard,
    ),
  }
}

/** A body `read` of `parts`, one tick each, failing with `failure` after them when given. */
export function readerOf(parts: readonly Uint8Array[], failure?: Error, onDrop: () => void = () => undefined): HttpResponse['read'] {
  return async (limitBytes) => {
    const chunks: Uint8Array[] = []
    let size = 0
    for (const part of parts) {
      await Promise.resolve()
      size += part.byteLength
      if (size > limitBytes) {
        onDrop()
        return undefined
      }
      chunks.push(part)
    }
    if (failure !== undefined) throw failure
    return concat(chunks, size)
  }
}

/** A GET of `url` as the layers see it. */
export function get(url: string, extra: Partial<HttpRequest> = {}): HttpRequest {
  return { method: 'GET', url: new URL(url), headers: {}, body: undefined, ...extra }
}

/** The whole body of a response as text (`read` with no limit of its own). */
export async function textOf(response: HttpResponse): Promise<string> {
  return new TextDecoder().decode((await response.read(Number.POSITIVE_INFINITY)) ?? new Uint8Array(0))
}
