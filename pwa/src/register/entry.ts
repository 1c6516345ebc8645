/**
 * The payload of a form item by kind (the keys the server takes for it: server
 * submissions/service.py PAYLOAD_KEYS) and the rules a report adds to its answers. Pure.
 */
import type { Answers, FieldSpec, GeoPoint } from '../forms/types'
import type { Household } from './types'

export const REPORT_ITEM_KINDS = new Set(['hazard_report', 'city_case'])

/**
 * The keys each kind may carry. `resubmits` names a returned submission this one replaces: the
 * server contract has no resubmission yet (see the issue note), so it rides in the payload.
 */
const PAYLOAD_KEYS: Record<string, readonly string[]> = {
  household_visit: ['grid_id', 'household_id', 'answers'],
  welfare_visit: ['grid_id', 'household_id', 'resident_id', 'answers'],
  hazard_report: ['grid_id', 'household_id', 'building_id', 'answers'],
  city_case: ['grid_id', 'household_id', 'building_id', 'answers'],
}
const DEFAULT_KEYS = ['grid_id', 'household_id', 'answers']

/** What a report shows beside its answers (its server errors go there too). */
export const REPORT_CONTEXT = ['building_id', 'location'] as const

export function isReportKind(kind: string): boolean {
  return REPORT_ITEM_KINDS.has(kind)
}

export interface EntryContext {
  grid_id: number | null
  answers: Answers
  resident_id?: string | null
  household_id?: string | null
  building_id?: string | null
  resubmits?: string | null
}

export function payloadFor(kind: string, context: EntryContext): Record<string, unknown> {
  const keys = PAYLOAD_KEYS[kind] ?? DEFAULT_KEYS
  const source = context as unknown as Record<string, unknown>
  const payload: Record<string, unknown> = {}
  for (const key of keys) payload[key] = source[key] ?? null
  if (context.resubmits) payload.resubmits = context.resubmits
  return payload
}

/**
 * A report needs somewhere to go (server _check_report): a GPS fix, an address answer, a
 * building, or a linked household that has an address.
 */
export function placeMissing(input: {
  location: GeoPoint | null
  answers: Answers
  buildingId: string | null
  household: Household | undefined
}): boolean {
  if (input.location) return false
  const address = input.answers.address
  if (typeof address === 'string' && address.trim()) return false
  if (input.buildingId) return false
  return !input.household?.address
}

/** The form's photo field, where the server's whole-report photo count message is shown. */
export function photoErrorField(fields: FieldSpec[]): string | null {
  return fields.find((f) => f.type === 'photo')?.name ?? null
}
