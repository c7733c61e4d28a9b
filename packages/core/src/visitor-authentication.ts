/**
 * The authenticated-visitor call (`POST {root}/conversation`): trades an SSO key for the
 * `participantId` and `conversationId` a chat request then carries. The key never leaves in an error.
 */
import * as t from 'io-ts'
import { decodeError } from './decode.js'
import { InvalidArgumentError } from './errors.js'
import type { AuthenticatedVisitor, VisitorAuthentication } from './journey-requests.js'
import { LenientString } from './lenient-codecs.js'
import type { RequestOptions } from './options.js'
import { redactUri } from './redact.js'
import type { Transport } from './transport.js'
import { scrubError } from './transport/scrub-secrets.js'

// The docs show only the 201; the ids come in the body, either at the top or in a `conversation` wrapper (XML's one root).
const Ids = t.type({ participantId: LenientString, conversationId: LenientString })
const AuthenticatedDocument = t.union([Ids, t.type({ conversation: Ids })], 'AuthenticatedVisitorDocument')

/** Sends the authentication and reads the ids; every failure is scrubbed of `ssoKey`. */
export async function authenticateVisitor(transport: Transport, root: URL, request: VisitorAuthentication, options: RequestOptions): Promise<AuthenticatedVisitor> {
  if (typeof request.ssoKey !== 'string' || request.ssoKey === '') {
    throw new InvalidArgumentError("ssoKey is required, e.g. client.authenticateVisitor({ authChatConnId, ssoKey: '…' })")
  }
  if (request.authChatConnId === undefined || String(request.authChatConnId) === '') {
    throw new InvalidArgumentError("authChatConnId is required, e.g. client.authenticateVisitor({ authChatConnId: 568046210, ssoKey })")
  }
  const uri = new URL(`${root.href}/conversation`)
  const body: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(request)) if (value !== undefined) body[name] = value
  try {
    const response = await transport.send({ ...options, method: 'POST', uri, body })
    if (response.document === undefined) {
      throw decodeError({ uri: redactUri(uri), status: response.status, format: response.format }, 'expected {"participantId","conversationId"} in the body')
    }
    const document = transport.decode(AuthenticatedDocument, response)
    const ids = 'conversation' in document ? document.conversation : document
    return { participantId: ids.participantId, conversationId: ids.conversationId }
  } catch (error) {
    throw scrubError(error, request.ssoKey)
  }
}
