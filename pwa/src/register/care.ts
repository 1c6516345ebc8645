/**
 * Care tiers and the welfare-visit schedule on the phone, after server/register/care.py and
 * server/visits/schedule.py: used to show a resident registered or visited offline as the
 * server will see them, until the next pull brings the server's own figures.
 */
import type { CareTier, Catalogue } from './types'
import { addDays, ageOn, shanghaiDateOf } from './dates'

export interface TierRule {
  tier: Exclude<CareTier, 'none'>
  min_age?: number
  /** At least one of them; "*" = any tag at all. */
  any_tags?: string[]
}

/** The server's default rules, for a phone whose catalogue has no care_tier_rules (config CARE_TIER_RULES may differ). */
export const DEFAULT_TIER_RULES: TierRule[] = [
  { tier: 'high', min_age: 80, any_tags: ['living_alone', 'empty_nest'] },
  { tier: 'high', any_tags: ['critical_illness'] },
  { tier: 'key', min_age: 60, any_tags: ['disabled', 'disabled_care'] },
  { tier: 'key', any_tags: ['extreme_hardship', 'lost_only_child'] },
  { tier: 'general', min_age: 60 },
  { tier: 'general', any_tags: ['*'] },
]

/** Days between visits per tier, when the pulled catalogue does not say (high weekly, key monthly, general quarterly). */
export const DEFAULT_INTERVAL_DAYS: Record<Exclude<CareTier, 'none'>, number> = { high: 7, key: 30, general: 90 }
export const MAJOR_CHANGE_HOURS = 24
/** Phone and video calls count as visits; "not reached" does not move the schedule. */
export const REACHED_METHODS = new Set(['home', 'phone', 'video'])
const OFF_REGISTER = new Set(['moved_out', 'deceased'])

export type Intervals = Partial<Record<CareTier, number>>

/** The intervals the server stated in its care_tiers catalogue, over the defaults. */
export function intervalsFrom(catalogues: Catalogue[]): Intervals {
  const out: Intervals = { ...DEFAULT_INTERVAL_DAYS }
  const tiers = catalogues.find((c) => c.id === 'care_tiers')
  for (const item of tiers?.items ?? []) {
    if (typeof item.interval_days === 'number' && item.interval_days > 0)
      out[item.code as CareTier] = item.interval_days
  }
  return out
}

const TIERS = new Set(['high', 'key', 'general'])

function isTierRule(value: unknown): value is TierRule {
  if (typeof value !== 'object' || value === null) return false
  const rule = value as Record<string, unknown>
  if (typeof rule.tier !== 'string' || !TIERS.has(rule.tier)) return false
  if (rule.min_age !== undefined && typeof rule.min_age !== 'number') return false
  return (
    rule.any_tags === undefined || (Array.isArray(rule.any_tags) && rule.any_tags.every((t) => typeof t === 'string'))
  )
}

/**
 * The tier rules the server stated in its care_tier_rules catalogue (the street's CARE_TIER_RULES,
 * in the order they are tried); the defaults when the catalogue lacks them. All or nothing: a
 * list with one rule the phone cannot read would derive other tiers than the server does.
 */
export function tierRulesFrom(catalogues: Catalogue[]): TierRule[] {
  const items: unknown[] | undefined = catalogues.find((c) => c.id === 'care_tier_rules')?.items
  if (!items || items.length === 0 || !items.every(isTierRule)) return DEFAULT_TIER_RULES
  return items.map((rule) => ({ ...rule }))
}

export function derivedTier(age: number, tags: readonly string[], rules: TierRule[] = DEFAULT_TIER_RULES): CareTier {
  const have = new Set(tags)
  for (const rule of rules) {
    if (rule.min_age !== undefined && age < rule.min_age) continue
    const wanted = rule.any_tags
    if (wanted && !((wanted.includes('*') && have.size > 0) || wanted.some((t) => have.has(t)))) continue
    return rule.tier
  }
  return 'none'
}

/** The tier that counts: the override when set, else derived; nobody who left is visited. */
export function effectiveTier(
  birthDate: string,
  tags: readonly string[],
  status: string | undefined,
  override: CareTier | null | undefined,
  today: string,
  rules: TierRule[] = DEFAULT_TIER_RULES,
): CareTier {
  if (status && OFF_REGISTER.has(status)) return 'none'
  if (override) return override
  return derivedTier(ageOn(birthDate, today), tags, rules)
}

/**
 * The next due date after a visit recorded on the phone: the visit's Shanghai date plus the
 * tier's interval; a visit that recorded a major change makes the next one due at once (its
 * own date; followUpDeadline says when it turns overdue). Null off the list.
 */
export function dueAfterVisit(
  tier: CareTier | undefined,
  visitedAt: string,
  majorChange: boolean,
  intervals: Intervals,
): string | null {
  const days = tier ? intervals[tier] : undefined
  const visitDate = shanghaiDateOf(visitedAt)
  if (!days || !visitDate) return null
  return majorChange ? visitDate : addDays(visitDate, days)
}

/**
 * When a pending major change's follow-up turns overdue: 24 h after it, to the minute, as on the
 * server (server/visits/schedule.py). The pull sends major_change_at only while it is pending,
 * and the overlay sets and clears it for visits saved on the phone. Epoch ms, or null.
 */
export function followUpDeadline(majorChangeAt: string | null | undefined): number | null {
  const at = majorChangeAt ? Date.parse(majorChangeAt) : NaN
  return Number.isNaN(at) ? null : at + MAJOR_CHANGE_HOURS * 3600_000
}
