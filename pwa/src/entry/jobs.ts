/**
 * The four jobs of the form entry screens and what each one sends: a new form, a task-linked
 * form (payload.task_id), a resubmission of a returned submission (payload.resubmits), and the
 * fix of a queued outbox item (its links kept as queued). Pure: the pages and their tests share it.
 */
import { payloadFor } from '../register/entry'
import type { EntryContext } from '../register/entry'
import type { FormKind } from '../register/kinds'
import type { EntrySubject, NewEntryProps } from './route'

export type { EntrySubject, NewEntryProps }

export type NewEntryJob =
  | { job: 'new'; templateKey: string; subject: EntrySubject }
  /** 我的上报's 重新提交: the same form again, replacing the returned submission `resubmits`. */
  | { job: 'resubmit'; templateKey: string; subject: EntrySubject; resubmits: string; taskId?: string }
  /** 我的任务: the form fulfils the supervisor's task `taskId`. */
  | { job: 'task'; templateKey: string; subject: EntrySubject; taskId: string }

/** Which job a new-form route is: a resubmission wins over a task link, which it still carries. */
export function newEntryJob(props: NewEntryProps): NewEntryJob {
  const subject: EntrySubject = {}
  if (props.householdId) subject.householdId = props.householdId
  if (props.residentId) subject.residentId = props.residentId
  if (props.buildingId) subject.buildingId = props.buildingId
  if (props.campaignTargetId) subject.campaignTargetId = props.campaignTargetId
  const { templateKey } = props
  if (props.resubmits) {
    return props.taskId
      ? { job: 'resubmit', templateKey, subject, resubmits: props.resubmits, taskId: props.taskId }
      : { job: 'resubmit', templateKey, subject, resubmits: props.resubmits }
  }
  if (props.taskId) return { job: 'task', templateKey, subject, taskId: props.taskId }
  return { job: 'new', templateKey, subject }
}

/** A draft per template and subject: a visit to one resident never restores another's. */
export function draftKeyFor(job: NewEntryJob): string {
  if (job.job === 'resubmit') return `${job.templateKey}@re:${job.resubmits}`
  if (job.subject.residentId) return `${job.templateKey}@r:${job.subject.residentId}`
  if (job.subject.householdId) return `${job.templateKey}@h:${job.subject.householdId}`
  return job.templateKey
}

/** The payload of a new form: the kind's keys, plus the link its job gives it. */
export function newEntryPayload(job: NewEntryJob, kind: FormKind, context: EntryContext): Record<string, unknown> {
  const resubmits = job.job === 'resubmit' ? job.resubmits : null
  const payload = payloadFor(kind, { ...context, resubmits })
  const taskId = job.job === 'new' ? undefined : job.taskId
  if (taskId) payload.task_id = taskId
  if (job.subject.campaignTargetId) payload.campaign_target_id = job.subject.campaignTargetId
  return payload
}

/**
 * The payload of a corrected outbox item: the kind's keys from the form, and the links it was
 * queued with (a fixed resubmission still replaces its original; a fixed task form still fulfils it).
 */
export function fixedPayload(
  kind: FormKind,
  context: EntryContext,
  queued: Record<string, unknown>,
): Record<string, unknown> {
  const resubmits = typeof queued.resubmits === 'string' ? queued.resubmits : null
  const payload = payloadFor(kind, { ...context, resubmits })
  if (typeof queued.task_id === 'string' && queued.task_id) payload.task_id = queued.task_id
  if (typeof queued.campaign_target_id === 'string' && queued.campaign_target_id) {
    payload.campaign_target_id = queued.campaign_target_id
  }
  return payload
}
