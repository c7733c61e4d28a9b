/** Finding an account's root URI through LivePerson's Domain API. */
import type { Dispatcher } from 'undici'
import { BaseUriDocument } from './document-codecs.js'
import { InvalidArgumentError } from './errors.js'
import type { RequestOptions } from './options.js'
import { Transport } from './transport.js'
import { resolveTransportOptions } from './transport-options.js'

/** Where and how to ask LivePerson's Domain API. */
export interface FindAccountRootOptions extends RequestOptions {
  /** The account (site) id. */
  readonly accountId: string
  /** The service whose domain is wanted; default `'conversationVep'` (the chat service). */
  readonly service?: string
  /** The Domain API's origin; default `https://api.liveperson.net`. */
  readonly domainApi?: string | URL
  /** The undici dispatcher to use; default: one made for this call and closed after it. */
  readonly dispatcher?: Dispatcher
  /** As in the client options; default `'request'`. */
  readonly transport?: 'fetch' | 'request'
}

/**
 * Finds the account root URI (`https://{domain}/api/account/{accountId}`) of an account through the
 * Domain API (`GET /api/account/{id}/service/{service}/baseURI.json?version=1.0`). Sends no app key.
 */
export async function findAccountRoot(options: FindAccountRootOptions): Promise<URL> {
  if (!/^[A-Za-z0-9_-]+$/.test(options.accountId)) {
    throw new InvalidArgumentError(`accountId must be the account's id, e.g. findAccountRoot({ accountId: '12345678' }), got ${JSON.stringify(options.accountId)}`)
  }
  const service = options.service ?? 'conversationVep'
  const home = new URL(options.domainApi ?? 'https://api.liveperson.net')
  // The Domain API needs no key; the call's timeout bounds the owned dispatcher too.
  const resolved = resolveTransportOptions(
    {
      format: 'json',
      ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
      ...(options.timeoutMs === undefined ? {} : { requestTimeoutMs: options.timeoutMs }),
      ...(options.transport === undefined ? {} : { transport: options.transport }),
    },
    (field) => `findAccountRoot({ accountId, ${field.replace('requestTimeoutMs', 'timeoutMs')} })`,
  )
  const transport = new Transport({ home, appKey: '' }, resolved)
  try {
    const uri = new URL(`/api/account/${options.accountId}/service/${encodeURIComponent(service)}/baseURI.json?version=1.0`, home)
    const response = await transport.send({ method: 'GET', uri, ...(options.signal === undefined ? {} : { signal: options.signal }) })
    const { baseURI } = transport.decode(BaseUriDocument, response)
    const base = /^https?:\/\//i.test(baseURI) ? baseURI : `https://${baseURI}`
    return new URL(`${base.replace(/\/+$/, '')}/api/account/${options.accountId}`)
  } finally {
    await transport.close()
  }
}
