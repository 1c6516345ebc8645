// The review queue's filters and the body of a review: pure, so the rules are tested alone.

export const REVIEW_STATES = ['received', 'resubmitted', 'returned', 'accepted', 'rejected'] as const
export type ReviewAction = 'approve' | 'return' | 'reject'

export interface ReviewFilters {
  community_id: number | null
  grid_id: number | null
  kind: string
  review_status: string
  /** yyyy-mm-dd, the street's calendar day. */
  from: string
  to: string
}

export function defaultReviewFilters(): ReviewFilters {
  return { community_id: null, grid_id: null, kind: '', review_status: 'received', from: '', to: '' }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/

/** The query of GET /submissions: empty filters left out; dates only when well formed and in order. */
export function reviewQuery(filters: ReviewFilters): Record<string, string> {
  const query: Record<string, string> = {}
  if (filters.community_id) query.community_id = String(filters.community_id)
  if (filters.grid_id) query.grid_id = String(filters.grid_id)
  if (filters.kind) query.kind = filters.kind
  if (filters.review_status) query.review_status = filters.review_status
  const from = DAY.test(filters.from) ? filters.from : ''
  let to = DAY.test(filters.to) ? filters.to : ''
  if (from && to && to < from) to = from
  // The server filters created_at by instants with an offset: whole Beijing days, `to` inclusive.
  if (from) query.from = `${from}T00:00:00+08:00`
  if (to) query.to = `${nextDay(to)}T00:00:00+08:00`
  return query
}

function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10)
}

/** Return and reject need a comment the worker will read; approve may have one. */
export function reviewBody(action: ReviewAction, comment: string): { action: ReviewAction; comment?: string } {
  const text = comment.trim()
  if (action !== 'approve' && !text) throw new Error('comment required')
  return text ? { action, comment: text } : { action }
}

/** Only received records wait for a decision (the server answers 409 on any other). */
export function isReviewable(status: string | undefined): boolean {
  return status === 'received' || status === undefined
}

/** The parts of a template a summary reads (a FormTemplate has more). */
export interface SummaryTemplate {
  fields: {
    name: string
    type: string
    label: { zh: string; en?: string } | string
    choices?: { value: string; label: { zh: string; en?: string } | string }[]
  }[]
}

function words(label: SummaryTemplate['fields'][number]['label'], lang: 'zh' | 'en'): string {
  return typeof label === 'string' ? label : ((lang === 'en' ? label.en : label.zh) ?? label.zh)
}

const SUMMARY_PARTS = 4

/** One line about a record in a supervisor's words: a report's description, or its answers as
 *  「label：choice」 with the template's labels (never a raw code such as "home"). */
export function answerSummary(
  template: SummaryTemplate | null,
  answers: Record<string, unknown>,
  lang: 'zh' | 'en',
  yesNo: { yes: string; no: string },
): string {
  const told = answers.description ?? answers.notes ?? answers.note
  if (typeof told === 'string' && told.trim()) return told.trim().slice(0, 120)
  if (!template) return ''
  const parts: string[] = []
  for (const field of template.fields) {
    const value = answers[field.name]
    if (value === undefined || value === null || value === '') continue
    let shown = ''
    if (field.type === 'select_one') {
      const choice = field.choices?.find((c) => c.value === value)
      shown = choice ? words(choice.label, lang) : ''
    } else if (field.type === 'yes_no' && typeof value === 'boolean') {
      shown = value ? yesNo.yes : yesNo.no
    } else if (field.type === 'text' || field.type === 'textarea') {
      shown = String(value).slice(0, 40)
    }
    if (shown) parts.push(`${words(field.label, lang)}：${shown}`)
    if (parts.length === SUMMARY_PARTS) break
  }
  return parts.join(' · ')
}

/** The photo hashes of a record's photo answers, in field order. */
export function photoHashes(template: SummaryTemplate | null, answers: Record<string, unknown>): string[] {
  if (!template) return []
  return template.fields
    .filter((f) => f.type === 'photo')
    .flatMap((f) => (Array.isArray(answers[f.name]) ? (answers[f.name] as unknown[]) : []))
    .filter((sha): sha is string => typeof sha === 'string')
}
