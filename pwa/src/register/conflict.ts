/**
 * A stale register edit beside the server's version, field by field, for the worker to choose
 * (保留我的 / 采用服务器的). The server's side comes in the conflict answer (`server`, a pull
 * change); numbers on both sides are shown masked. Pure.
 */
import { maskIdNumber, maskPhone } from './idcard'
import { HOUSEHOLD_UPSERT, sentRecord } from './overlay'
import type { QueuedItem } from './types'

export interface ServerSide {
  entity: string
  id: string
  version: number
  data: Record<string, unknown>
}

export interface CompareRow {
  field: string
  mine: unknown
  server: unknown
  /** The worker's edit did not send this field (it keeps whatever the server has). */
  untouched: boolean
  same: boolean
}

const HOUSEHOLD_ROWS = [
  'head_name',
  'building_id',
  'unit',
  'room',
  'address',
  'housing_type',
  'phone',
  'notes',
  'grid_id',
]
const RESIDENT_ROWS = [
  'name',
  'gender',
  'birth_date',
  'id_number',
  'phone',
  'relation',
  'status',
  'tags',
  'care_tier_override',
  'care_tier_reason',
  'household_id',
]

export function serverSide(item: Pick<QueuedItem, 'server_result'>): ServerSide | null {
  const server = item.server_result?.server
  if (typeof server !== 'object' || server === null) return null
  const s = server as Record<string, unknown>
  if (typeof s.version !== 'number' || typeof s.data !== 'object' || s.data === null) return null
  return {
    entity: String(s.entity ?? ''),
    id: String(s.id ?? ''),
    version: s.version,
    data: s.data as Record<string, unknown>,
  }
}

function blank(value: unknown): unknown {
  if (value === undefined || value === '' || (Array.isArray(value) && !value.length)) return null
  return value
}

/** The pulled shape leaves defaults out: status present, no tags. */
function serverValue(data: Record<string, unknown>, field: string): unknown {
  if (field === 'phone') return blank(data.phone_masked)
  if (field === 'id_number') return blank(data.id_number_masked)
  if (field === 'status') return data.status ?? 'present'
  return blank(data[field])
}

function mineValue(sent: Record<string, unknown>, field: string): unknown {
  const value = sent[field]
  if (field === 'phone')
    return typeof value === 'string' && !value.includes('*') ? (maskPhone(value) ?? null) : blank(value)
  if (field === 'id_number')
    return typeof value === 'string' && !value.includes('*') ? (maskIdNumber(value) ?? null) : blank(value)
  if (field === 'status') return value ?? 'present'
  return blank(value)
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return [...a].sort().join('\u0001') === [...b].sort().join('\u0001')
  return (a ?? null) === (b ?? null)
}

export function compareRows(item: Pick<QueuedItem, 'kind' | 'payload' | 'server_result'>): CompareRow[] {
  const sent = sentRecord(item)
  const server = serverSide(item)
  if (!sent || !server) return []
  const fields = item.kind === HOUSEHOLD_UPSERT ? HOUSEHOLD_ROWS : RESIDENT_ROWS
  return fields.map((field) => {
    const untouched = !(field in sent)
    const theirs = serverValue(server.data, field)
    const mine = untouched ? theirs : mineValue(sent, field)
    return { field, mine, server: theirs, untouched, same: same(mine, theirs) }
  })
}
