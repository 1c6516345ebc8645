// What the desk screens load from the server: the org tree (communities, grids, departments) and users.
import { api } from '../api'
import { summarizeOrg } from '../org'
import type { OrgSummary } from '../org'
import { labelText, listOf, timeLimitOf } from './caseModel'

export interface Person {
  id: number
  name: string
  role: string
  active: boolean
  gridIds: number[]
}

export async function loadOrg(): Promise<OrgSummary> {
  return summarizeOrg(await api.get<unknown>('/org'))
}

/** Users in the caller's scope, of one role when given (inactive ones left out: they cannot be assigned). */
export async function loadPeople(role?: string): Promise<Person[]> {
  const raw = await api.get<unknown>('/users')
  return listOf(raw, 'users')
    .filter((u): u is Record<string, unknown> => typeof u === 'object' && u !== null)
    .map((u) => ({
      id: Number(u.id),
      name: String(u.display_name ?? u.username ?? u.id),
      role: String(u.role ?? ''),
      active: u.active !== false,
      gridIds: Array.isArray(u.grids)
        ? u.grids.map((g) => Number((g as Record<string, unknown>)?.id ?? g)).filter(Number.isFinite)
        : [],
    }))
    .filter((p) => p.active && (!role || p.role === role))
}

export interface CategoryLimit {
  code: string
  label: string
  limit: { value: number; unit: 'working_hours' | 'working_days' } | null
}

let limitsLoading: Promise<Map<string, CategoryLimit>> | null = null

/** Category labels and handling limits (GET /cases/time-limits), once per page load. */
export function loadTimeLimits(lang: 'zh' | 'en' = 'zh'): Promise<Map<string, CategoryLimit>> {
  limitsLoading ??= api.get<unknown>('/cases/time-limits').then(
    (raw) =>
      new Map(
        listOf(raw, 'time_limits')
          .filter((row): row is Record<string, unknown> => typeof row === 'object' && row !== null)
          .map((row) => {
            const code = String(row.code)
            const label = labelText(row.label, lang) || code
            return [code, { code, label, limit: timeLimitOf(row.time_limit) }] as const
          }),
      ),
    () => {
      limitsLoading = null
      return new Map<string, CategoryLimit>()
    },
  )
  return limitsLoading
}
