// How the 待同步 screen words and orders outbox items. Pure: types only from the outbox.
import { labelText } from './forms/types'
import type { FormTemplate, LabelLanguage } from './forms/types'
import type { MessageKey } from './i18n'
import type { OutboxItem, OutboxStatus, SyncStatus } from './outbox'

export const STATUS_WORDS: Record<OutboxStatus, MessageKey> = {
  pending: 'outbox.statusPending',
  sending: 'outbox.statusSending',
  needs_fix: 'outbox.statusNeedsFix',
  conflict: 'outbox.statusConflict',
  forbidden: 'outbox.statusForbidden',
  done: 'outbox.statusDone',
}

/** Vant tag colours: what needs the worker is red/orange, what is moving is blue. */
export const STATUS_TAGS: Record<OutboxStatus, 'primary' | 'success' | 'danger' | 'warning' | 'default'> = {
  pending: 'primary',
  sending: 'primary',
  needs_fix: 'danger',
  conflict: 'warning',
  forbidden: 'warning',
  done: 'success',
}

const KIND_WORDS: Record<string, MessageKey> = {
  household_visit: 'kind.household_visit',
  welfare_visit: 'kind.welfare_visit',
  hazard_report: 'kind.hazard_report',
  city_case: 'kind.city_case',
  household_upsert: 'kind.household_upsert',
  resident_upsert: 'kind.resident_upsert',
  task_update: 'kind.task_update',
  case_action: 'kind.case_action',
  campaign_answer: 'kind.campaign_answer',
}

/** Keys of a pushed item (not answers) that the server may name in field errors. */
const ITEM_FIELD_WORDS: Record<string, MessageKey> = {
  grid_id: 'itemField.grid_id',
  household_id: 'itemField.household_id',
  template: 'itemField.template',
  photos: 'itemField.photos',
  location: 'itemField.location',
  created_at: 'itemField.created_at',
  kind: 'itemField.kind',
  id: 'itemField.id',
  answers: 'itemField.answers',
  payload: 'itemField.payload',
  item: 'itemField.item',
  resident_id: 'itemField.resident_id',
  building_id: 'itemField.building_id',
  resubmits: 'itemField.resubmits',
  campaign_target_id: 'itemField.campaign_target_id',
  outcome: 'itemField.outcome',
  reason: 'itemField.reason',
  base_version: 'itemField.base_version',
  household: 'itemField.household',
  resident: 'itemField.resident',
}

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string

export interface ItemGroups {
  /** needs_fix, conflict, forbidden: oldest first. */
  attention: OutboxItem[]
  /** pending and sending, in the order they are pushed. */
  waiting: OutboxItem[]
  /** Delivered, newest first. */
  done: OutboxItem[]
}

/** Split the owner's items (store.list order: oldest first) into the screen's three groups. */
export function groupItems(items: OutboxItem[]): ItemGroups {
  const groups: ItemGroups = { attention: [], waiting: [], done: [] }
  for (const item of items) {
    if (item.status === 'done') groups.done.push(item)
    else if (item.status === 'pending' || item.status === 'sending') groups.waiting.push(item)
    else groups.attention.push(item)
  }
  groups.done.reverse()
  return groups
}

/** Register edits: corrected on the household / resident form, a conflict on the compare screen. */
export const REGISTER_KINDS: ReadonlySet<string> = new Set(['household_upsert', 'resident_upsert'])

/** A form item or register edit the worker may correct: sent back, out of scope (pick another grid), or not sent yet. */
export function canFix(item: OutboxItem): boolean {
  return (
    (item.template !== null || REGISTER_KINDS.has(item.kind)) &&
    ['needs_fix', 'forbidden', 'pending'].includes(item.status)
  )
}

/** Where 修改 opens: the form the item was made with. */
export function fixRoute(item: Pick<OutboxItem, 'id' | 'kind'>): { name: string; params: { id: string } } {
  if (item.kind === 'household_upsert') return { name: 'outbox-household', params: { id: item.id } }
  if (item.kind === 'resident_upsert') return { name: 'outbox-resident', params: { id: item.id } }
  return { name: 'outbox-fix', params: { id: item.id } }
}

/** A register edit that met someone else's: the worker compares and chooses. */
export function canCompare(item: Pick<OutboxItem, 'kind' | 'status'>): boolean {
  return item.status === 'conflict' && REGISTER_KINDS.has(item.kind)
}

/** Case states in words, for a case action the case outran (the desk's own words live in its chunk). */
const CASE_STATE_WORDS: Record<string, MessageKey> = {
  reported: 'caseState.reported',
  filed: 'caseState.filed',
  returned: 'caseState.returned',
  voided: 'caseState.voided',
  merged: 'caseState.merged',
  dispatched: 'caseState.dispatched',
  handled: 'caseState.handled',
  checked: 'caseState.checked',
  closed: 'caseState.closed',
}

/**
 * A case action done in the field that the case outran (someone acted first, or the case was
 * re-dispatched or closed): the case to open and its state now. Null for anything else.
 */
export function caseMovedOn(
  item: Pick<OutboxItem, 'kind' | 'status' | 'payload' | 'server_result'>,
): { caseId: string; state: MessageKey | null } | null {
  if (item.status !== 'conflict' || item.kind !== 'case_action') return null
  const caseId = item.payload.case_id
  if (typeof caseId !== 'string' || !caseId) return null
  const server = item.server_result?.server as { state?: unknown } | null | undefined
  const state = typeof server?.state === 'string' ? (CASE_STATE_WORDS[server.state] ?? null) : null
  return { caseId, state }
}

/** Only what the server will not take as it is may be deleted, and only on the worker's word. */
export function canDiscard(item: OutboxItem): boolean {
  return ['needs_fix', 'conflict', 'forbidden'].includes(item.status)
}

export function templateId(item: Pick<OutboxItem, 'template'>): string | null {
  return item.template ? `${item.template.key}:${item.template.version}` : null
}

/** The form's title when the phone has its template, else a word for the kind. */
export function kindName(
  item: Pick<OutboxItem, 'kind' | 'template'>,
  templates: ReadonlyMap<string, FormTemplate>,
  lang: LabelLanguage,
  t: Translate,
): string {
  const id = templateId(item)
  const template = id ? templates.get(id) : undefined
  if (template) return labelText(template.title, lang)
  const key = KIND_WORDS[item.kind]
  return key ? t(key) : t('kind.other')
}

export interface ErrorLine {
  field: string
  label: string
  messages: string[]
}

/** The server's field errors with each field's label in the worker's language, in form order. */
export function errorLines(
  errors: Record<string, string[]> | null,
  template: FormTemplate | undefined,
  lang: LabelLanguage,
  t: Translate,
): ErrorLine[] {
  if (!errors) return []
  const order = new Map((template?.fields ?? []).map((f, i) => [f.name, i]))
  const lines = Object.entries(errors).map(([field, messages]) => {
    const spec = template?.fields.find((f) => f.name === field)
    const word = ITEM_FIELD_WORDS[field]
    const label = spec ? labelText(spec.label, lang) : word ? t(word) : field
    return { field, label, messages: Array.isArray(messages) ? messages.map(String) : [String(messages)] }
  })
  // Item-level keys (grid, template) first, then answers in the order the form shows them.
  return lines.sort((a, b) => (order.get(a.field) ?? -1) - (order.get(b.field) ?? -1))
}

export interface StateLine {
  key: MessageKey
  params?: Record<string, string | number>
  tone: 'ok' | 'busy' | 'warn' | 'bad'
}

/** One sentence for the engine's state; `retryAt` is formatted by the caller. */
export function describeState(status: SyncStatus, retryAt: string): StateLine[] {
  const waiting = status.counts.pending + status.counts.sending
  switch (status.state) {
    case 'syncing':
      return [{ key: 'outbox.stateSyncing', tone: 'busy' }]
    case 'offline':
      return [{ key: 'outbox.stateOffline', tone: 'warn' }]
    case 'auth_required':
      return [{ key: 'outbox.stateAuth', tone: 'bad' }]
    case 'error': {
      const lines: StateLine[] = [
        { key: 'outbox.stateError', params: { message: status.lastError?.message ?? '' }, tone: 'bad' },
      ]
      if (retryAt) lines.push({ key: 'outbox.retryAt', params: { time: retryAt }, tone: 'warn' })
      return lines
    }
    default:
      if (waiting) return [{ key: 'outbox.stateWaiting', tone: 'busy' }]
      if (status.counts.attention) {
        return [{ key: 'outbox.stateAttention', params: { n: status.counts.attention }, tone: 'warn' }]
      }
      return [{ key: 'outbox.stateIdle', tone: 'ok' }]
  }
}
