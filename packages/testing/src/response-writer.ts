// Writes a serialised answer to the socket, disfigured by a fault when one applies.
import type { ServerResponse } from 'node:http'
import type { Fault } from './faults.js'
import type { WireFormatName } from './representation.js'
import { contentTypes } from './representation.js'

/** A serialised answer, ready to write. */
export interface Output {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
  readonly format: WireFormatName
}

/** A fault that changes how (or whether) an answer is written. */
export type TerminalFault = Exclude<Fault, { kind: 'latency' }>

/**
 * Writes `output`, disfigured by `fault` when there is one: a reset instead of an answer, a cut
 * body, a broken document, a wrong content type or a padded body. A `status` fault has already
 * been turned into its output by the caller.
 */
export function writeOutput(res: ServerResponse, output: Output, fault: TerminalFault | undefined): void {
  const headers = { ...output.headers }
  let body = output.body
  switch (fault?.kind) {
    case 'reset-before':
    case 'reset-after':
      // An RST, not a FIN: clients see ECONNRESET, as with a load balancer dropping the connection.
      res.socket?.resetAndDestroy()
      return
    case 'truncate': {
      const bytes = Buffer.from(body)
      res.writeHead(output.status, { ...headers, 'content-length': String(Math.max(bytes.length, 2)) })
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy())
      return
    }
    case 'malformed':
      // Cut inside the last token: an unclosed object in JSON, an unclosed end tag in XML.
      body = body === '' ? (output.format === 'json' ? '{' : '<') : body.slice(0, output.format === 'json' ? -1 : -2)
      headers['content-type'] ??= contentTypes[output.format]
      break
    case 'content-type':
      headers['content-type'] = fault.value
      break
    case 'oversize':
      return writePadded(res, output, fault.bytes)
    default:
      break
  }
  headers['content-length'] = String(Buffer.byteLength(body))
  res.writeHead(output.status, headers)
  res.end(body)
}

const padding = Buffer.alloc(64 * 1024, 0x20)

/** Writes the body, then whitespace up to `bytes` in all, honouring back-pressure. */
function writePadded(res: ServerResponse, output: Output, bytes: number): void {
  const body = Buffer.from(output.body)
  const total = Math.max(bytes, body.length)
  res.writeHead(output.status, { ...output.headers, 'content-length': String(total) })
  res.write(body)
  let left = total - body.length
  const pump = (): void => {
    while (left > 0) {
      const chunk = left >= padding.length ? padding : padding.subarray(0, left)
      left -= chunk.length
      if (!res.write(chunk)) {
        res.once('drain', pump)
        return
      }
    }
    res.end()
  }
  pump()
}
