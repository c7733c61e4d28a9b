import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chatDocument } from './documents.js'

// Child-process entry: answers every request with the same small chat document, so a transport
// comparison measures the client alone. Prints its port, and exits when its parent goes.
const body = Buffer.from(chatDocument(4).json)
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length })
  res.end(body)
})
server.keepAliveTimeout = 30_000
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port })
})
process.on('disconnect', () => {
  server.closeAllConnections()
  server.close()
})
