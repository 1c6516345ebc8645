/**
 * 我的上报: every form the worker filled, from the outbox while it is on the phone and from
 * the server's review results once pulled, one row per submission id, newest first. Pure.
 */
import type { FormKinds } from './kinds'
import type { QueuedItem, SubmissionState } from './types'

export type ReportState =
  | 'waiting'
  | 'sending'
  | 'needs_fix'
  | 'conflict'
  | 'forbidden'
  | 'received'
  | 'returned'
  | 'accepted'
  | 'rejected'
  | 'resubmitted'

export interface ReportRow {
  id: string
  kind: string
  template: { key: string; version: number } | null
  createdAt: string
  state: ReportState
  comment: string | null
  /** The case a report opened (hazard_report, city_case), once the server has said. */
  caseId: string | null
  caseState: string | null
  householdId: string | null
  residentId: string | null
  /** On the phone (answers readable, fixable while not delivered). */
  item: QueuedItem | null
  /** A later item resubmits this one (payload.resubmits). */
  resubmittedBy: string | null
}

const ITEM_STATES: Record<string, ReportState> = {
  pending: 'waiting',
  sending: 'sending',
  needs_fix: 'needs_fix',
  conflict: 'conflict',
  forbidden: 'forbidden',
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value ? value : null
}

/**
 * A form, not a register edit or a case action: a kind the pulled form_kinds names. A phone that
 * has not pulled them yet goes by the template, which only form items carry.
 */
export function isFormItem(item: Pick<QueuedItem, 'kind' | 'template'>, kinds: FormKinds | null): boolean {
  return kinds ? kinds.has(item.kind) : Boolean(item.template)
}

/** The rows of 我的上报; `kinds` from formKindsFrom(the pulled catalogues). */
export function myReports(
  items: readonly QueuedItem[],
  submissions: readonly SubmissionState[],
  kinds: FormKinds | null,
): ReportRow[] {
  const byId = new Map<string, ReportRow>()
  const resubmits = new Map<string, string>()
  for (const item of items) {
    if (!isFormItem(item, kinds)) continue
    const original = text(item.payload.resubmits)
    if (original) resubmits.set(original, item.id)
    byId.set(item.id, {
      id: item.id,
      kind: item.kind,
      template: item.template ?? null,
      createdAt: item.created_at,
      // Delivered: "received" until the pulled review result says more.
      state: ITEM_STATES[item.status] ?? 'received',
      comment: null,
      caseId: text(item.server_result?.case_id),
      caseState: text(item.server_result?.case_state),
      householdId: text(item.payload.household_id),
      residentId: text(item.payload.resident_id),
      item,
      resubmittedBy: null,
    })
  }
  // The feed's "submission" entity holds form submissions only.
  for (const s of submissions) {
    const row = byId.get(s.id)
    const reviewed: Partial<ReportRow> = {
      state: s.review_status ?? 'received',
      comment: s.review_comment ?? null,
      caseId: s.case_id ?? null,
      caseState: s.case_state ?? null,
    }
    if (row) {
      // The phone's copy still waiting means the server's row is an older resend's: keep the phone's state.
      if (row.item?.status === 'done' || !row.item) Object.assign(row, reviewed)
      else {
        row.caseId = row.caseId ?? reviewed.caseId ?? null
        row.caseState = row.caseState ?? reviewed.caseState ?? null
      }
      continue
    }
    byId.set(s.id, {
      id: s.id,
      kind: s.kind,
      template: s.template ?? null,
      createdAt: s.created_at ?? s.received_at ?? '',
      state: reviewed.state as ReportState,
      comment: reviewed.comment ?? null,
      caseId: reviewed.caseId ?? null,
      caseState: reviewed.caseState ?? null,
      householdId: s.household_id ?? null,
      residentId: s.resident_id ?? null,
      item: null,
      resubmittedBy: null,
    })
  }
  for (const [original, by] of resubmits) {
    const row = byId.get(original)
    if (row) row.resubmittedBy = by
  }
  for (const row of byId.values()) {
    // The server says so once the new one arrived; the phone knows as soon as it is queued.
    if (row.state === 'returned' && row.resubmittedBy) row.state = 'resubmitted'
  }
  return [...byId.values()].sort(
    (a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id.localeCompare(a.id),
  )
}

export function isWaiting(row: ReportRow): boolean {
  return row.state === 'waiting' || row.state === 'sending'
}

export function needsWorker(row: ReportRow): boolean {
  return row.state === 'needs_fix' || row.state === 'forbidden' || (row.state === 'returned' && !row.resubmittedBy)
}

/**
 * Where a returned submission's answers come from when the worker opens it to fix: the phone's
 * outbox copy while it is there (works offline), else the server's copy (GET /submissions/:id),
 * and offline with neither the form must say so rather than open empty as if nothing was lost.
 */
export type ResubmitSource = 'phone' | 'server' | 'offline'

interface LocalCopy {
  owner?: string
  payload: Record<string, unknown>
  location?: unknown
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function resubmitSource(
  local: LocalCopy | null | undefined,
  owner: string | undefined,
  online: boolean,
): ResubmitSource {
  // Another worker's item on a shared phone is not this worker's to refill from.
  if (local && local.owner === owner && isRecord(local.payload.answers)) return 'phone'
  return online ? 'server' : 'offline'
}

/** What the resubmission form starts with, whichever copy it came from. */
export interface ResubmitPrefill {
  answers: Record<string, unknown>
  gridId: number | null
  householdId: string | null
  residentId: string | null
  buildingId: string | null
  location: unknown
  comment: string | null
}

export function prefillFromItem(item: LocalCopy): ResubmitPrefill | null {
  const p = item.payload
  if (!isRecord(p.answers)) return null
  return {
    answers: { ...p.answers },
    gridId: typeof p.grid_id === 'number' ? p.grid_id : null,
    householdId: text(p.household_id),
    residentId: text(p.resident_id),
    buildingId: text(p.building_id),
    location: item.location ?? null,
    comment: null,
  }
}

/** The server's answer to GET /submissions/:id; null when it is not a submission with answers. */
export function prefillFromServer(raw: unknown): ResubmitPrefill | null {
  if (!isRecord(raw) || !isRecord(raw.answers)) return null
  return {
    answers: { ...raw.answers },
    gridId: typeof raw.grid_id === 'number' ? raw.grid_id : null,
    householdId: text(raw.household_id),
    residentId: text(raw.resident_id),
    buildingId: text(raw.building_id),
    location: raw.location ?? null,
    comment: text(raw.review_comment),
  }
}
