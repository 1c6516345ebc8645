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
