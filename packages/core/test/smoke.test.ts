import { expect, test } from 'vitest'
import * as core from '@chatbridge/core'

test('the package entry resolves', () => {
  expect(typeof core).toBe('object')
})
