import type { Handler, HttpRequest, HttpResponse } from '../../src/transport/handler.js'

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

/** A response with a body made of `chunks`. */
export function responseOf(url: URL, answer: FakeAnswer, onDiscard: () => void = () => undefined): HttpResponse {
  const headers = new Map(Object.entries(answer.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]))
  const chunks = typeof answer.body === 'string' ? [answer.body] : (answer.body ?? [])
  return {
    status: answer.status ?? 200,
    url,
    header: (name) => headers.get(name.toLowerCase()) ?? null,
    discard: onDiscard,
    body: bodyOf(chunks.map((chunk) => new TextEncoder().encode(chunk))),
  }
}

/** A body of `parts`, failing with `failure` after them when given. */
export async function* bodyOf(parts: readonly Uint8Array[], failure?: Error): AsyncIterable<Uint8Array> {
  for (const part of parts) {
    await Promise.resolve()
    yield part
  }
  if (failure !== undefined) throw failure
}

/** A GET of `url` as the layers see it. */
export function get(url: string, extra: Partial<HttpRequest> = {}): HttpRequest {
  return { method: 'GET', url: new URL(url), headers: {}, body: undefined, ...extra }
}

/** The whole body of a response as text. */
export async function textOf(response: HttpResponse): Promise<string> {
  let text = ''
  for await (const chunk of response.body) text += new TextDecoder().decode(chunk)
  return text
}
