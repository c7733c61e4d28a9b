import { describe, expect, it } from 'vitest'
import { ChatBridgeError, HttpError } from '@chatbridge/core'
import { AdapterError } from '@chatbridge/adapter'

describe('AdapterError', () => {
  it('is a ChatBridgeError, so one instanceof check catches every chatbridge failure', () => {
    const cause = new HttpError({ status: 403, method: 'POST', uri: 'https://x.example/api/account/1/chat/c/events' })
    const error = new AdapterError('E_COMMAND_FAILED', 'publish failed', { cause })
    expect(error).toBeInstanceOf(ChatBridgeError)
    expect(error).toMatchObject({ name: 'AdapterError', code: 'E_COMMAND_FAILED', cause })
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ name: 'AdapterError', code: 'E_COMMAND_FAILED', cause: { name: 'HttpError' } })
  })
})
