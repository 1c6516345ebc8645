// 走访覆盖率 as the screens show it: the API's figures (GET /submissions/coverage) turned into text.
import type { ApiSchema } from '../apiTypes'

export type Coverage = ApiSchema<'Coverage'>
export type CoverageWorker = ApiSchema<'CoverageWorker'>

/** 0.6667 → "66.7%"; no denominator → null (shown as a dash, never as 0 %). */
export function percent(rate: number | null | undefined): string | null {
  if (rate === null || rate === undefined) return null
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`
}

/** The coverage path for a month (YYYY-MM) and optional community. */
export function coveragePath(month?: string, communityId?: number | null): string {
  const query = new URLSearchParams()
  if (month) query.set('month', month)
  if (communityId) query.set('community_id', String(communityId))
  const text = query.toString()
  return text ? `/submissions/coverage?${text}` : '/submissions/coverage'
}

/** The month a date falls in on a Shanghai wall clock (a phone in another zone still counts Chinese months). */
export function shanghaiMonth(now: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' })
    .formatToParts(now)
    .reduce<Record<string, string>>((acc, part) => ({ ...acc, [part.type]: part.value }), {})
  return `${parts.year}-${parts.month}`
}
