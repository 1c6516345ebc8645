import { describe, expect, it } from 'vitest'
import { ApiError, NetworkError } from '../api'
import { fieldMessages, safeRedirect } from './fieldErrors'

describe('fieldMessages', () => {
  it('shows the first server message of each field, as the worker reads it', () => {
    const error = new ApiError(422, 'validation_failed', '提交的内容有误，请检查标出的项目', {
      new_password: ['这个密码太常见，容易被猜到，请换一个', 'second'],
      current_password: ['当前密码不正确'],
    })
    expect(fieldMessages(error)).toEqual({
      new_password: '这个密码太常见，容易被猜到，请换一个',
      current_password: '当前密码不正确',
    })
  })

  it('has nothing to show for other failures or nested shapes it cannot read', () => {
    expect(fieldMessages(new NetworkError())).toEqual({})
    expect(fieldMessages(new ApiError(422, 'validation_failed', 'x', { grid_ids: { 0: ['bad'] } }))).toEqual({})
  })
})

describe('safeRedirect', () => {
  it('keeps our own paths and refuses other sites', () => {
    expect(safeRedirect('/outbox?x=1')).toBe('/outbox?x=1')
    expect(safeRedirect('//evil.example/')).toBe('/')
    expect(safeRedirect('https://evil.example/')).toBe('/')
    expect(safeRedirect(undefined)).toBe('/')
  })
})
