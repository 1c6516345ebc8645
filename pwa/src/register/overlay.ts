/**
 * The register as the worker should see it: the pulled replica with their own outbox laid on
 * top (households and residents edited offline, welfare visits saved but not yet synced), so a
 * change shows the moment it is saved, and stays until the pull brings the server's version.
 * Pure: the caller reads IndexedDB and passes plain arrays.
 */
import { dueAfterVisit, effectiveTier, followUpDeadline, REACHED_METHODS } from './care'
import type { Intervals, TierRule } from './care'
import { ageOn, shanghaiDateOf } from './dates'
import { maskIdNumber, maskPhone } from './idcard'
import type { Building, CareTier, Household, LocalMark, QueuedItem, Resident } from './types'

export const HOUSEHOLD_UPSERT = 'household_upsert'
export const RESIDENT_UPSERT = 'resident_upsert'
export const WELFARE_VISIT = 'welfare_visit'

/** What the worker may set on a household (server HOUSEHOLD_FIELDS). */
export const HOUSEHOLD_FIELDS = [
  'building_id',
  'grid_id',
  'unit',
  'room',
  'address',
  'housing_type',
  'head_name',
  'phone',
  'notes',
] as const
/** What the worker may set on a resident (server RESIDENT_FIELDS). */
export const RESIDENT_FIELDS = [
  'household_id',
  'name',
  'gender',
  'birth_date',
  'id_number',
  'phone',
  'relation',
  'status',
  'tags',
  'care_tier_override',
  'care_tier_reason',
] as const
const TIER_INPUTS = ['birth_date', 'tags', 'status', 'care_tier_override'] as const

export interface Replica {
  buildings: Building[]
  households: Household[]
  residents: Resident[]
}

/** The worker's own mark on a record, and the outbox item behind it. */
export interface Mark {
  mark: Exclude<LocalMark, null>
  itemId: string
}

/** A welfare visit saved on the phone that the pulled copy does not show yet. */
export interface LocalVisit {
  itemId: string
  at: string
  reached: boolean
  status: string
}

export interface RegisterData {
  buildings: Map<string, Building>
  /** Buildings made on the phone that no pull has brought yet. */
  localBuildings: Set<string>
  households: Map<string, Household>
  residents: Map<string, Resident>
  /** Household id → its residents, the head first, then by birth date. */
  residentsByHousehold: Map<string, Resident[]>
  /** Building id ('' for none) → its households by unit and room. */
  householdsByBuilding: Map<string, Household[]>
  /** By household or resident id. */
  marks: Map<string, Mark>
  /** By resident id: the newest visit saved on the phone. */
  visits: Map<string, LocalVisit>
}

export interface OverlayOptions {
  /** Asia/Shanghai YYYY-MM-DD. */
  today: string
  intervals: Intervals
  /** The street's tier rules (tierRulesFrom the pulled catalogues); the defaults when absent. */
  rules?: TierRule[]
  /** When the last pull finished (store.getLastSyncAt): delivered items older than it are in the replica. */
  lastPullAt?: string | null
}

type Loose = Record<string, unknown>

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}

/** The record an upsert item carries (payload.household / payload.resident), or null. */
export function sentRecord(item: Pick<QueuedItem, 'kind' | 'payload'>): Loose | null {
  const key = item.kind === HOUSEHOLD_UPSERT ? 'household' : item.kind === RESIDENT_UPSERT ? 'resident' : null
  const sent = key ? item.payload[key] : null
  return isObject(sent) && typeof sent.id === 'string' ? sent : null
}

/**
 * Delivered, but the pull that brings it back has not run since (it failed, or comes next):
 * still shown. Once a pull finished after delivery, the pulled copy is the truth — even when
 * it no longer holds the record (moved to another grid).
 */
function deliveredNotPulled(item: QueuedItem, lastPullAt: string | null | undefined): boolean {
  if (!lastPullAt) return true
  return Date.parse(item.updated_at ?? item.created_at) > Date.parse(lastPullAt)
}

/** Whether the item's content should be shown over the pulled copy. */
function shows(item: QueuedItem, lastPullAt: string | null | undefined): boolean {
  switch (item.status) {
    case 'pending':
    case 'sending':
    case 'needs_fix':
      return true
    case 'done':
      return deliveredNotPulled(item, lastPullAt)
    default:
      return false
  }
}

function markOf(status: string): Mark['mark'] | null {
  if (status === 'pending' || status === 'sending') return 'pending'
  if (status === 'needs_fix' || status === 'forbidden') return 'needs_fix'
  if (status === 'conflict') return 'conflict'
  return null
}

function setText(target: Loose, key: string, value: unknown): void {
  const text = typeof value === 'string' ? value.trim() : value
  if (text === null || text === undefined || text === '') delete target[key]
  else target[key] = text
}

/** A masked number for a number typed on the phone; a masked echo keeps what was there. */
function maskedFrom(target: Loose, maskedKey: string, value: unknown, mask: (v: string) => string | undefined): void {
  if (typeof value === 'string' && value.includes('*')) return
  const masked = typeof value === 'string' ? mask(value) : undefined
  if (masked) target[maskedKey] = masked
  else delete target[maskedKey]
}

export function applyHousehold(
  current: Household | undefined,
  sent: Loose,
  buildings: Map<string, Building>,
): Household {
  const next: Loose = { ...(current ?? {}) }
  for (const key of HOUSEHOLD_FIELDS) {
    if (!(key in sent)) continue
    if (key === 'phone') maskedFrom(next, 'phone_masked', sent.phone, maskPhone)
    else setText(next, key, sent[key])
  }
  const nested = sent.building
  if (isObject(nested) && typeof nested.id === 'string') {
    if (!buildings.has(nested.id)) {
      buildings.set(nested.id, {
        id: nested.id,
        grid_id: typeof next.grid_id === 'number' ? next.grid_id : Number(nested.grid_id),
        name: str(nested.name) ?? '',
        address: str(nested.address),
      })
    }
    next.building_id = nested.id
  }
  next.id = sent.id
  return next as unknown as Household
}

export function applyResident(
  current: Resident | undefined,
  sent: Loose,
  households: Map<string, Household>,
  options: OverlayOptions,
): Resident {
  const next: Loose = { ...(current ?? {}) }
  for (const key of RESIDENT_FIELDS) {
    if (!(key in sent)) continue
    if (key === 'id_number') maskedFrom(next, 'id_number_masked', sent.id_number, maskIdNumber)
    else if (key === 'phone') maskedFrom(next, 'phone_masked', sent.phone, maskPhone)
    else if (key === 'tags') next.tags = Array.isArray(sent.tags) ? sent.tags.filter((t) => typeof t === 'string') : []
    else setText(next, key, sent[key])
  }
  next.id = sent.id
  const household = typeof next.household_id === 'string' ? households.get(next.household_id) : undefined
  if (household) next.grid_id = household.grid_id
  const resident = next as unknown as Resident
  if (resident.birth_date) resident.age = ageOn(resident.birth_date, options.today)
  if (!current || TIER_INPUTS.some((key) => key in sent)) {
    const before = current?.care_tier ?? 'none'
    const tier: CareTier = resident.birth_date
      ? effectiveTier(
          resident.birth_date,
          resident.tags ?? [],
          resident.status,
          resident.care_tier_override,
          options.today,
          options.rules,
        )
      : 'none'
    if (tier === 'none') {
      delete resident.care_tier
      delete resident.next_visit_due
    } else {
      resident.care_tier = tier
      if (!current || before !== tier || !resident.next_visit_due) {
        // Never visited: due the day they were registered (now); visited: last visit + the new interval.
        let due = resident.last_visit_at
          ? (dueAfterVisit(tier, resident.last_visit_at, false, options.intervals) ?? options.today)
          : options.today
        // A pending major change keeps them due from its own date, as the server's next_due does.
        const changed = shanghaiDateOf(resident.major_change_at)
        if (changed && changed < due) due = changed
        resident.next_visit_due = due
      }
    }
  }
  return resident
}

/** The earlier of created_at and the server's received_at: the time the server files a visit under. */
function visitTime(item: QueuedItem): string {
  const received = item.server_result?.received_at
  if (typeof received === 'string' && Date.parse(received) < Date.parse(item.created_at)) return received
  return item.created_at
}

function byUnitAndRoom(a: Household, b: Household): number {
  return (
    (a.unit ?? '').localeCompare(b.unit ?? '', 'zh-CN', { numeric: true }) ||
    (a.room ?? '').localeCompare(b.room ?? '', 'zh-CN', { numeric: true }) ||
    (a.address ?? '').localeCompare(b.address ?? '', 'zh-CN', { numeric: true }) ||
    a.head_name.localeCompare(b.head_name, 'zh-CN')
  )
}

function headFirst(a: Resident, b: Resident): number {
  const ah = a.relation === 'head' ? 0 : 1
  const bh = b.relation === 'head' ? 0 : 1
  return ah - bh || (a.birth_date ?? '').localeCompare(b.birth_date ?? '') || a.name.localeCompare(b.name, 'zh-CN')
}

/** The replica with the worker's outbox (oldest item first) laid on top. */
export function overlayRegister(replica: Replica, items: readonly QueuedItem[], options: OverlayOptions): RegisterData {
  const buildings = new Map(replica.buildings.map((b) => [b.id, b]))
  const pulledBuildings = new Set(buildings.keys())
  const households = new Map(replica.households.map((h) => [h.id, h]))
  const residents = new Map(replica.residents.map((r) => [r.id, r]))
  const marks = new Map<string, Mark>()
  const visits = new Map<string, LocalVisit>()

  for (const item of items) {
    const sent = sentRecord(item)
    if (!sent) continue
    const id = sent.id as string
    const isHousehold = item.kind === HOUSEHOLD_UPSERT
    const current = isHousehold ? households.get(id) : residents.get(id)
    if (shows(item, options.lastPullAt)) {
      if (isHousehold) households.set(id, applyHousehold(current as Household | undefined, sent, buildings))
      else residents.set(id, applyResident(current as Resident | undefined, sent, households, options))
    }
    const mark = markOf(item.status)
    if (mark) marks.set(id, { mark, itemId: item.id })
  }

  for (const item of items) {
    if (item.kind !== WELFARE_VISIT) continue
    const residentId = item.payload.resident_id
    const resident = typeof residentId === 'string' ? residents.get(residentId) : undefined
    if (!resident || !shows(item, options.lastPullAt)) continue
    const answers = isObject(item.payload.answers) ? item.payload.answers : {}
    const reached = REACHED_METHODS.has(String(answers.how_contacted))
    const at = visitTime(item)
    visits.set(resident.id, { itemId: item.id, at, reached, status: item.status })
    const majorChange = answers.major_change === true
    if (!reached) {
      const next: Resident = { ...resident, last_contact_method: 'not_reached' }
      // Not reached is no visit, but a major change it reports still needs a follow-up.
      if (majorChange) withFollowUp(next, at)
      residents.set(resident.id, next)
      continue
    }
    const due = dueAfterVisit(resident.care_tier, at, majorChange, options.intervals)
    const next: Resident = { ...resident, last_visit_at: at, last_contact_method: String(answers.how_contacted) }
    if (due) next.next_visit_due = due
    // A visit that reaches them settles an earlier major change, or records a new one.
    if (majorChange) next.major_change_at = at
    else delete next.major_change_at
    // A visit that reaches them ends a not-reached streak (the server clears the flag the same way).
    delete next.visit_flag
    residents.set(resident.id, next)
  }

  const residentsByHousehold = new Map<string, Resident[]>()
  for (const r of residents.values()) {
    const list = residentsByHousehold.get(r.household_id)
    if (list) list.push(r)
    else residentsByHousehold.set(r.household_id, [r])
  }
  residentsByHousehold.forEach((list) => list.sort(headFirst))
  const householdsByBuilding = new Map<string, Household[]>()
  for (const h of households.values()) {
    const key = h.building_id ?? ''
    const list = householdsByBuilding.get(key)
    if (list) list.push(h)
    else householdsByBuilding.set(key, [h])
  }
  householdsByBuilding.forEach((list) => list.sort(byUnitAndRoom))
  const localBuildings = new Set([...buildings.keys()].filter((id) => !pulledBuildings.has(id)))
  return { buildings, localBuildings, households, residents, residentsByHousehold, householdsByBuilding, marks, visits }
}

/** A major change reported at `at`: due from its date at the latest, overdue 24 h after it. */
function withFollowUp(resident: Resident, at: string): void {
  if (!resident.major_change_at || Date.parse(resident.major_change_at) < Date.parse(at)) resident.major_change_at = at
  const changed = shanghaiDateOf(at)
  if (changed && resident.care_tier && (!resident.next_visit_due || changed < resident.next_visit_due)) {
    resident.next_visit_due = changed
  }
}

/** Off the visit list: moved out, died, or no tier. */
export function onVisitList(resident: Resident): boolean {
  return (
    Boolean(resident.care_tier) &&
    resident.care_tier !== 'none' &&
    resident.status !== 'moved_out' &&
    resident.status !== 'deceased'
  )
}

const TIER_ORDER: Record<string, number> = { high: 0, key: 1, general: 2 }

export interface DueLists {
  today: Resident[]
  overdue: Resident[]
}

export type VisitDueState = 'overdue' | 'today' | 'later' | 'none'

/**
 * Where a resident stands at `now`, as the server's schedule.due_state says: by date (before
 * today overdue, today due), except while a major change awaits its follow-up, which is due
 * from the change and overdue once 24 h have passed, whatever the dates say. Someone already
 * overdue by date before the change stays overdue.
 */
export function visitDueState(resident: Resident, today: string, now: number = Date.now()): VisitDueState {
  const due = resident.next_visit_due
  if (!onVisitList(resident) || !due) return 'none'
  const deadline = followUpDeadline(resident.major_change_at)
  if (deadline !== null) {
    const alreadyLate = due < (shanghaiDateOf(resident.major_change_at) ?? due)
    return alreadyLate || now >= deadline ? 'overdue' : 'today'
  }
  if (due < today) return 'overdue'
  return due === today ? 'today' : 'later'
}

/**
 * 今日到期 (due today, and major changes within their 24 h) and 已逾期 (overdue): the most
 * urgent tier first, then the oldest due. `now` decides when a follow-up's 24 h have run out.
 */
export function dueLists(residents: Iterable<Resident>, today: string, now: number = Date.now()): DueLists {
  const lists: DueLists = { today: [], overdue: [] }
  for (const r of residents) {
    const state = visitDueState(r, today, now)
    if (state === 'today') lists.today.push(r)
    else if (state === 'overdue') lists.overdue.push(r)
  }
  const order = (a: Resident, b: Resident) =>
    (TIER_ORDER[a.care_tier ?? ''] ?? 9) - (TIER_ORDER[b.care_tier ?? ''] ?? 9) ||
    (a.next_visit_due ?? '').localeCompare(b.next_visit_due ?? '') ||
    a.name.localeCompare(b.name, 'zh-CN')
  lists.today.sort(order)
  lists.overdue.sort(order)
  return lists
}
