import { describe, expect, it } from 'vitest'
import { MemoryStorage } from '../../../tests/support/memoryStorage'
import { heldHeight, holdHeight } from './room'

describe('the rooms the home holds', () => {
  it('gives back each section its own last height', () => {
    const storage = new MemoryStorage()
    holdHeight('due-today', 412.4, storage)
    holdHeight('overdue', 96, storage)
    expect(heldHeight('due-today', storage)).toBe(412)
    expect(heldHeight('overdue', storage)).toBe(96)
    expect(heldHeight('campaigns', storage)).toBe(0)
  })

  it('holds nothing for heights no section takes, or a spoilt entry', () => {
    const storage = new MemoryStorage()
    holdHeight('due-today', 0, storage)
    holdHeight('overdue', 90_000, storage)
    expect(heldHeight('due-today', storage)).toBe(0)
    expect(heldHeight('overdue', storage)).toBe(0)
    storage.setItem('gw.homeRooms', '{not json')
    expect(heldHeight('due-today', storage)).toBe(0)
    storage.setItem('gw.homeRooms', '[1, 2]')
    expect(heldHeight('due-today', storage)).toBe(0)
    holdHeight('tasks', 48, storage)
    expect(heldHeight('tasks', storage)).toBe(48)
  })

  it('holds nothing without storage', () => {
    expect(heldHeight('due-today', null)).toBe(0)
    expect(() => holdHeight('due-today', 100, null)).not.toThrow()
  })
})
