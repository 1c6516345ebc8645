import { describe, expect, it } from 'vitest'
import { busyState, canCommit, mappingOf, resultLines } from './ledgerModel'
import type { LedgerImport } from './ledgerModel'

describe('ledger import model', () => {
  it('keeps polling only while the server reads or imports', () => {
    expect(busyState('analysing')).toBe(true)
    expect(busyState('committing')).toBe(true)
    expect(busyState('ready')).toBe(false)
    expect(busyState('failed')).toBe(false)
  })

  it('offers the import when checked, or again when a commit went away', () => {
    expect(canCommit({ state: 'ready', stalled: false })).toBe(true)
    expect(canCommit({ state: 'committing', stalled: false })).toBe(false)
    expect(canCommit({ state: 'committing', stalled: true })).toBe(true)
    expect(canCommit({ state: 'committed', stalled: false })).toBe(false)
  })

  it('edits the mapping by column index, unmapped columns as null', () => {
    const answer = {
      columns: [
        { index: 0, header: '姓名', field: 'name', samples: [] },
        { index: 1, header: '联络', field: null, samples: [] },
      ],
    } as unknown as LedgerImport
    expect(mappingOf(answer)).toEqual({ '0': 'name', '1': null })
  })

  it('lists residents, households and buildings in that order, skipping what is absent', () => {
    const lines = resultLines({
      rejected: 2,
      buildings: { created: 1, updated: 0, unchanged: 0 },
      residents: { created: 4, updated: 1, unchanged: 3 },
    })
    expect(lines.map((l) => l.what)).toEqual(['ledger.residents', 'ledger.buildings'])
    expect(lines[0]).toMatchObject({ created: 4, updated: 1, unchanged: 3 })
  })

  it('lists an organisation import as workers, grids, then communities', () => {
    const lines = resultLines({
      communities: { created: 1, updated: 0, unchanged: 2 },
      grids: { created: 2, updated: 1, unchanged: 1 },
      workers: { created: 2, updated: 1, unchanged: 0 },
      rejected: 0,
    })
    expect(lines.map((l) => l.what)).toEqual(['ledger.workers', 'ledger.grids', 'ledger.communities'])
    expect(lines[1]).toMatchObject({ created: 2, updated: 1, unchanged: 1 })
  })
})
