// The ledger import as the server answers it (GET /ledger/imports/{id}), and the bits of the
// screen that need no DOM: which states keep polling, the mapping to edit, the result lines.
import type { MessageKey } from '../i18n'

export type LedgerState = 'analysing' | 'ready' | 'committing' | 'committed' | 'failed'

/** What a ledger holds: the register (居民底册) or the organisation (网格与网格员). */
export type LedgerKind = 'register' | 'organisation'
export const LEDGER_KINDS: LedgerKind[] = ['register', 'organisation']

export interface LedgerColumn {
  index: number
  header: string
  field: string | null
  samples: string[]
}

export interface LedgerReport {
  rows: number
  valid: number
  rejected: number
  residents_existing?: number
  households?: number
  households_existing?: number
  mapping_errors: string[]
  /** An organisation ledger's preview: what the import would write. */
  communities?: EntityCounts
  grids?: EntityCounts
  workers?: EntityCounts
  columns: { field: string; label: string; errors: number; first: { row: number; value: string; message: string }[] }[]
}

export interface EntityCounts {
  created: number
  updated: number
  unchanged: number
}

export interface LedgerCounts {
  rejected?: number
  residents?: EntityCounts
  households?: EntityCounts
  buildings?: EntityCounts
  communities?: EntityCounts
  grids?: EntityCounts
  workers?: EntityCounts
}

export interface LedgerImport {
  id: number
  kind: LedgerKind
  state: LedgerState
  file_name: string
  header_row: number | null
  columns: LedgerColumn[]
  fields: { code: string; label: string; required: boolean }[]
  report: LedgerReport | null
  counts: LedgerCounts | null
  progress: { done: number; total: number } | null
  /** A commit nothing was heard of for 15 minutes (its process went away): it may start again. */
  stalled: boolean
  /** New workers' first passwords wait for their one download (accounts.xlsx). */
  first_passwords: boolean
  error: string | null
}

/** How often the screen asks while the server reads or imports. */
export const POLL_MS = 700

/** States in which the server is still at work: keep asking. */
export function busyState(state: LedgerState): boolean {
  return state === 'analysing' || state === 'committing'
}

/** Whether the import button is offered: checked and ready, or a commit that went away. */
export function canCommit(answer: Pick<LedgerImport, 'state' | 'stalled'>): boolean {
  return answer.state === 'ready' || answer.stalled
}

/** Column index → field, as the selects edit it (null: leave the column out). */
export function mappingOf(answer: LedgerImport): Record<string, string | null> {
  return Object.fromEntries(answer.columns.map((c) => [String(c.index), c.field]))
}

/** One line per entity the commit wrote (or, for a preview, would write), people first. */
export function resultLines(counts: LedgerCounts): ({ what: MessageKey } & EntityCounts)[] {
  const order: [keyof LedgerCounts, MessageKey][] = [
    ['residents', 'ledger.residents'],
    ['households', 'ledger.households'],
    ['buildings', 'ledger.buildings'],
    ['workers', 'ledger.workers'],
    ['grids', 'ledger.grids'],
    ['communities', 'ledger.communities'],
  ]
  return order.flatMap(([key, what]) => {
    const c = counts[key]
    return c && typeof c === 'object' ? [{ what, ...c }] : []
  })
}
