// How 我的上报 and a report's page put a report's state, its case's state and its next step.
import type { MessageKey } from '../i18n'
import type { ReportRow, ReportState } from './reports'

export const STATE_WORDS: Record<ReportState, MessageKey> = {
  waiting: 'mine.stateWaiting',
  sending: 'mine.stateSending',
  needs_fix: 'mine.stateNeedsFix',
  conflict: 'mine.stateConflict',
  forbidden: 'mine.stateForbidden',
  received: 'mine.stateReceived',
  returned: 'mine.stateReturned',
  accepted: 'mine.stateAccepted',
  rejected: 'mine.stateRejected',
  resubmitted: 'mine.stateResubmitted',
}

export const STATE_TAGS: Record<ReportState, 'primary' | 'success' | 'danger' | 'warning' | 'default'> = {
  waiting: 'primary',
  sending: 'primary',
  needs_fix: 'danger',
  conflict: 'warning',
  forbidden: 'warning',
  received: 'default',
  returned: 'danger',
  accepted: 'success',
  rejected: 'default',
  resubmitted: 'default',
}

export const CASE_WORDS: Record<string, MessageKey> = {
  reported: 'case.reported',
  filed: 'case.filed',
  returned: 'case.returned',
  voided: 'case.voided',
  merged: 'case.merged',
  dispatched: 'case.dispatched',
  handled: 'case.handled',
  checked: 'case.checked',
  closed: 'case.closed',
}

/** Open the form again, prefilled where the phone still has the answers, as a resubmission. */
export function resubmitRoute(row: Pick<ReportRow, 'id' | 'kind' | 'template' | 'householdId' | 'residentId'>) {
  const query: Record<string, string> = { resubmits: row.id }
  if (row.householdId) query.household = row.householdId
  if (row.residentId) query.resident = row.residentId
  return { name: 'form-new', params: { key: row.template?.key ?? row.kind }, query }
}
