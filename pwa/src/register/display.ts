// How register records read on screen: a door's place, a resident's due date and tier.
import type { MessageKey } from '../i18n'
import { daysBetween } from './dates'
import { visitDueState } from './overlay'
import type { Building, CareTier, Household, Resident } from './types'
import './messages'

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string

/** "2单元 301" (addresses are written the Chinese way in both languages); '' without unit and room. */
export function doorText(household: Household): string {
  const unit = household.unit ? (/^\d+$/.test(household.unit) ? `${household.unit}单元` : household.unit) : ''
  return [unit, household.room ?? ''].filter(Boolean).join(' ')
}

/** "3栋 2单元 301", or the household's address and door when it has no building. */
export function placeText(household: Household, building: Building | undefined): string {
  const door = doorText(household)
  if (building) return [building.name, door].filter(Boolean).join(' ')
  return [household.address ?? '', door].filter(Boolean).join(' ') || household.head_name
}

/** The full address line: the household's own, else the building's. */
export function addressText(household: Household, building: Building | undefined): string {
  return household.address || building?.address || ''
}

const TIER_WORDS: Record<CareTier, MessageKey> = {
  high: 'tier.high',
  key: 'tier.key',
  general: 'tier.general',
  none: 'tier.none',
}

export function tierText(tier: CareTier | undefined, t: Translate): string {
  return t(TIER_WORDS[tier ?? 'none'])
}

/** Vant tag type by tier: high risk red, key orange, general blue. */
export function tierTagType(tier: CareTier | undefined): 'danger' | 'warning' | 'primary' | 'default' {
  return tier === 'high' ? 'danger' : tier === 'key' ? 'warning' : tier === 'general' ? 'primary' : 'default'
}

export type DueState = 'overdue' | 'today' | 'later' | 'none'

/** The home's due lists' own rule (a major change's follow-up counts by the hour), for the roster and the household card. */
export function dueState(resident: Resident, today: string): DueState {
  return visitDueState(resident, today)
}

/** 今日到期, 逾期 3 天, 12-04 到期, or '' off the visit list. */
export function dueText(resident: Resident, today: string, t: Translate): string {
  const state = dueState(resident, today)
  const due = resident.next_visit_due ?? ''
  if (state === 'today') return t('due.today')
  if (state === 'overdue') return t('due.overdue', { n: daysBetween(due, today) })
  if (state === 'later') return t('due.on', { date: due.slice(5) })
  return ''
}
