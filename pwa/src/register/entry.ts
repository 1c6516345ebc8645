/**
 * The payload of a form item by kind (the keys its descriptor names: server/forms/kinds.py,
 * pulled as the form_kinds catalogue) and the rules a report adds to its answers. Pure.
 */
import { photoAnswers } from '../forms/validate'
import type { Answers, FieldErrors, FieldSpec, GeoPoint, LabelLanguage } from '../forms/types'
import { photoCountProblem } from './kinds'
import type { FormKind } from './kinds'
import type { Household } from './types'

/** What a report shows beside its answers (its server errors go there too). */
export const REPORT_CONTEXT = ['building_id', 'location'] as const

export interface EntryContext {
  grid_id: number | null
  answers: Answers
  resident_id?: string | null
  household_id?: string | null
  building_id?: string | null
  /** A report's 「同一问题，补充到该案件」: the open case it repeats (a merge suggestion). */
  duplicate_of?: string | null
  resubmits?: string | null
}

/** The payload keys the entry form has an input for (EntryContext, beside resubmits). */
const FORM_INPUTS: ReadonlySet<string> = new Set(['grid_id', 'household_id', 'resident_id', 'building_id', 'answers'])
/** Inputs sent only when given (most reports repeat no case). */
const OPTIONAL_INPUTS: ReadonlySet<string> = new Set(['duplicate_of'])

/**
 * The kind's payload keys the form has an input for, null when not given; the others (a report's
 * address: the form asks it as an answer) are left out. `resubmits` names the returned
 * submission this one replaces.
 */
export function payloadFor(kind: FormKind, context: EntryContext): Record<string, unknown> {
  const source = context as unknown as Record<string, unknown>
  const payload: Record<string, unknown> = {}
  for (const key of kind.payload_keys) {
    if (FORM_INPUTS.has(key)) payload[key] = source[key] ?? null
    else if (OPTIONAL_INPUTS.has(key) && source[key]) payload[key] = source[key]
  }
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

/**
 * The whole item's photo count against its kind (the server rejects it naming `photos`), shown
 * under the form's photo field. `found` is what the answers check already says: a field's own
 * message (必填项, 最多 9 张照片) comes first, and the count adds only what it lacks.
 */
export function photoCountErrors(
  kind: FormKind,
  fields: FieldSpec[],
  answers: Answers,
  found: FieldErrors,
  lang: LabelLanguage,
): FieldErrors {
  const problem = photoCountProblem(kind, new Set(photoAnswers(fields, answers)).size, lang)
  const where = photoErrorField(fields) ?? 'photos'
  return problem && !found[where] ? { [where]: [problem] } : {}
}
