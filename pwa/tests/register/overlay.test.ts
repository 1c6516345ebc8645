// The replica with the worker's own outbox laid over it: offline edits, new records, visits, conflicts.
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_INTERVAL_DAYS,
  DEFAULT_TIER_RULES,
  derivedTier,
  dueAfterVisit,
  effectiveTier,
  intervalsFrom,
  tierRulesFrom,
} from '../../src/register/care'
import { addDays, ageOn, shanghaiDate, shanghaiDateOf } from '../../src/register/dates'
import { dueLists, overlayRegister, visitDueState } from '../../src/register/overlay'
import type { Replica } from '../../src/register/overlay'
import type { Catalogue, Household, QueuedItem, Resident } from '../../src/register/types'

const TODAY = '2026-11-27'
const options = { today: TODAY, intervals: { ...DEFAULT_INTERVAL_DAYS } }

const household: Household = {
  id: 'h1',
  grid_id: 3,
  head_name: '王秀英',
  address: '示例路1号',
  unit: '2',
  room: '301',
  version: 4,
}
const aged: Resident = {
  id: 'r1',
  household_id: 'h1',
  grid_id: 3,
  name: '王秀英',
  gender: 'female',
  birth_date: '1940-03-02',
  relation: 'head',
  tags: ['living_alone'],
  care_tier: 'high',
  next_visit_due: TODAY,
  version: 2,
}
const overdue: Resident = {
  ...aged,
  id: 'r2',
  name: '李建国',
  gender: 'male',
  care_tier: 'key',
  next_visit_due: '2026-11-01',
  relation: 'spouse',
}
const young: Resident = {
  id: 'r3',
  household_id: 'h1',
  grid_id: 3,
  name: '王磊',
  gender: 'male',
  birth_date: '1990-05-05',
  version: 1,
}

function replica(): Replica {
  return { buildings: [], households: [household], residents: [aged, overdue, young] }
}

let n = 0
function item(kind: string, payload: Record<string, unknown>, extra: Partial<QueuedItem> = {}): QueuedItem {
  n += 1
  return { id: `item-${n}`, kind, status: 'pending', payload, created_at: '2026-11-27T09:30:00.000+08:00', ...extra }
}

function visit(
  residentId: string,
  how = 'home',
  extra: Partial<QueuedItem> = {},
  answers: Record<string, unknown> = {},
): QueuedItem {
  return item(
    'welfare_visit',
    {
      grid_id: 3,
      household_id: 'h1',
      resident_id: residentId,
      answers: { how_contacted: how, major_change: false, ...answers },
    },
    extra,
  )
}

describe('dates and tiers', () => {
  it('counts Shanghai days whatever the phone zone', () => {
    expect(shanghaiDate(Date.parse('2026-11-26T16:30:00Z'))).toBe('2026-11-27')
    expect(shanghaiDateOf('2026-11-27T00:10:00+08:00')).toBe('2026-11-27')
    expect(addDays('2026-12-28', 7)).toBe('2027-01-04')
    expect(ageOn('1946-11-28', TODAY)).toBe(79)
    expect(ageOn('1946-11-27', TODAY)).toBe(80)
  })

  it('derives tiers by the default rules and honours an override', () => {
    expect(derivedTier(82, ['living_alone'])).toBe('high')
    expect(derivedTier(40, ['critical_illness'])).toBe('high')
    expect(derivedTier(65, ['disabled'])).toBe('key')
    expect(derivedTier(30, ['lost_only_child'])).toBe('key')
    expect(derivedTier(61, [])).toBe('general')
    expect(derivedTier(30, ['low_income'])).toBe('general')
    expect(derivedTier(30, [])).toBe('none')
    expect(effectiveTier('1940-01-01', ['living_alone'], 'deceased', null, TODAY)).toBe('none')
    expect(effectiveTier('1990-01-01', [], 'present', 'key', TODAY)).toBe('key')
  })

  it('moves the due date by the tier interval, or to at once after a major change', () => {
    expect(dueAfterVisit('high', '2026-11-27T09:30:00+08:00', false, options.intervals)).toBe('2026-12-04')
    expect(dueAfterVisit('key', '2026-11-27T09:30:00+08:00', false, options.intervals)).toBe('2026-12-27')
    expect(dueAfterVisit('general', '2026-11-27T09:30:00+08:00', false, options.intervals)).toBe('2027-02-25')
    // A major change: due at once (its own date); overdue 24 h later, by followUpDeadline.
    expect(dueAfterVisit('general', '2026-11-27T09:30:00+08:00', true, options.intervals)).toBe('2026-11-27')
    expect(dueAfterVisit('none', '2026-11-27T09:30:00+08:00', false, options.intervals)).toBeNull()
  })

  it('reads intervals from the pulled care_tiers catalogue', () => {
    const intervals = intervalsFrom([
      { id: 'care_tiers', items: [{ code: 'high', label: { zh: '', en: '' }, interval_days: 3 }] },
    ])
    expect(intervals).toEqual({ high: 3, key: 30, general: 90 })
  })
})

describe('due lists', () => {
  it('lists due today and overdue, the highest tier first, nobody off the list', () => {
    const gone: Resident = { ...overdue, id: 'r9', status: 'moved_out' }
    const lists = dueLists([young, overdue, aged, gone], TODAY)
    expect(lists.today.map((r) => r.id)).toEqual(['r1'])
    expect(lists.overdue.map((r) => r.id)).toEqual(['r2'])
  })

  it('takes a resident off the lists the moment a visit is saved on the phone', () => {
    const data = overlayRegister(replica(), [visit('r1'), visit('r2', 'phone')], options)
    expect(data.residents.get('r1')!.next_visit_due).toBe('2026-12-04')
    expect(data.residents.get('r2')!.next_visit_due).toBe('2026-12-27')
    const lists = dueLists(data.residents.values(), TODAY)
    expect(lists.today).toEqual([])
    expect(lists.overdue).toEqual([])
    expect(data.visits.get('r1')).toMatchObject({ reached: true, status: 'pending' })
  })

  it('keeps a resident not reached on the list, and one with a major change due today', () => {
    const data = overlayRegister(
      replica(),
      [visit('r1', 'not_reached'), visit('r2', 'home', {}, { major_change: true })],
      options,
    )
    expect(data.residents.get('r1')!.next_visit_due).toBe(TODAY)
    expect(data.visits.get('r1')!.reached).toBe(false)
    expect(data.residents.get('r2')!.next_visit_due).toBe(TODAY)
    expect(data.residents.get('r2')!.major_change_at).toBe('2026-11-27T09:30:00.000+08:00')
  })

  it('counts a delivered visit until a pull has run after it, then trusts the pull', () => {
    const delivered = visit('r1', 'home', { status: 'done', updated_at: '2026-11-27T09:31:00.000+08:00' })
    const before = overlayRegister(replica(), [delivered], { ...options, lastPullAt: '2026-11-27T08:00:00.000+08:00' })
    expect(before.residents.get('r1')!.next_visit_due).toBe('2026-12-04')
    const after = overlayRegister(replica(), [delivered], { ...options, lastPullAt: '2026-11-27T09:31:05.000+08:00' })
    expect(after.residents.get('r1')!.next_visit_due).toBe(TODAY)
  })

  it('still counts a visit sent back for fixing: the worker did visit', () => {
    const data = overlayRegister(replica(), [visit('r1', 'home', { status: 'needs_fix' })], options)
    expect(data.residents.get('r1')!.next_visit_due).toBe('2026-12-04')
  })
})

describe('major change follow-ups', () => {
  const at = (shanghai: string) => Date.parse(`${shanghai}+08:00`)
  // 王秀英 was visited last week: not due until 4 December.
  const visited: Resident = { ...aged, last_visit_at: '2026-11-26T15:00:00+08:00', next_visit_due: '2026-12-03' }
  const changeAt10 = visit('r1', 'home', { created_at: '2026-11-27T10:00:00.000+08:00' }, { major_change: true })
  const names = (lists: { today: Resident[]; overdue: Resident[] }) => ({
    today: lists.today.map((r) => r.name),
    overdue: lists.overdue.map((r) => r.name),
  })

  it('is due today at once, not overdue at 09:59 the next day, overdue at 10:01', () => {
    const data = overlayRegister({ ...replica(), residents: [visited] }, [changeAt10], options)
    const residents = [...data.residents.values()]
    expect(names(dueLists(residents, TODAY, at('2026-11-27T10:00:00')))).toEqual({ today: ['王秀英'], overdue: [] })
    expect(names(dueLists(residents, '2026-11-28', at('2026-11-28T09:59:00')))).toEqual({
      today: ['王秀英'],
      overdue: [],
    })
    expect(names(dueLists(residents, '2026-11-28', at('2026-11-28T10:01:00')))).toEqual({
      today: [],
      overdue: ['王秀英'],
    })
  })

  it('is cleared by the next visit that reaches them, back to the tier interval', () => {
    const followUp = visit('r1', 'phone', { created_at: '2026-11-28T10:30:00.000+08:00' })
    const data = overlayRegister({ ...replica(), residents: [visited] }, [changeAt10, followUp], {
      ...options,
      today: '2026-11-28',
    })
    const resident = data.residents.get('r1')!
    expect(resident.major_change_at).toBeUndefined()
    expect(resident.next_visit_due).toBe('2026-12-05')
    expect(names(dueLists([resident], '2026-11-28', at('2026-11-28T10:31:00')))).toEqual({ today: [], overdue: [] })
  })

  it('reads a pending change the pull brought the same way, and keeps someone already overdue overdue', () => {
    const pulled: Resident = { ...visited, major_change_at: '2026-11-27T02:00:00+00:00', next_visit_due: TODAY }
    expect(visitDueState(pulled, '2026-11-28', at('2026-11-28T09:59:00'))).toBe('today')
    expect(visitDueState(pulled, '2026-11-28', at('2026-11-28T10:00:00'))).toBe('overdue')
    const late: Resident = { ...overdue, major_change_at: '2026-11-27T02:00:00+00:00' }
    expect(visitDueState(late, TODAY, at('2026-11-27T10:05:00'))).toBe('overdue')
  })

  it('a change reported on a not-reached attempt still asks for a follow-up today', () => {
    const data = overlayRegister(
      { ...replica(), residents: [visited] },
      [visit('r1', 'not_reached', {}, { major_change: true })],
      options,
    )
    expect(data.residents.get('r1')).toMatchObject({ next_visit_due: TODAY, last_visit_at: visited.last_visit_at })
    expect(visitDueState(data.residents.get('r1')!, TODAY, at('2026-11-27T12:00:00'))).toBe('today')
  })
})

describe("the street's own care settings, from the pulled catalogue", () => {
  // As server/sync/pull.py ships a street with WELFARE_VISIT_INTERVAL_DAYS and CARE_TIER_RULES set.
  const catalogues = [
    {
      id: 'care_tiers',
      items: [
        { code: 'high', label: { zh: '重点高风险', en: 'high risk' }, interval_days: 3 },
        { code: 'key', label: { zh: '重点', en: 'key' }, interval_days: 14 },
        { code: 'general', label: { zh: '一般', en: 'general' }, interval_days: 60 },
        { code: 'none', label: { zh: '无需巡访', en: 'not on the visit list' } },
      ],
    },
    {
      id: 'care_tier_rules',
      items: [
        { tier: 'high', min_age: 70, any_tags: ['living_alone'] },
        { tier: 'key', min_age: 60 },
      ],
    },
  ] as unknown as Catalogue[]
  const newcomer = item('resident_upsert', {
    resident: {
      id: 'r7',
      household_id: 'h1',
      name: '赵奶奶',
      gender: 'female',
      birth_date: '1950-05-05',
      tags: ['living_alone'],
    },
    base_version: null,
  })

  it('derives the tier by the shipped rules and moves the due date by the shipped interval', () => {
    const street = { today: TODAY, intervals: intervalsFrom(catalogues), rules: tierRulesFrom(catalogues) }
    const data = overlayRegister(
      replica(),
      [newcomer, visit('r7', 'home', { created_at: '2026-11-27T10:00:00.000+08:00' })],
      street,
    )
    // 76 and living alone: high risk here (general by the default rules), visited every 3 days.
    expect(data.residents.get('r7')).toMatchObject({ care_tier: 'high', next_visit_due: '2026-11-30' })
  })

  it('falls back to the defaults only when the catalogue lacks the rules', () => {
    expect(tierRulesFrom([])).toEqual(DEFAULT_TIER_RULES)
    expect(tierRulesFrom([{ id: 'care_tier_rules', items: [] }])).toEqual(DEFAULT_TIER_RULES)
    const defaults = { today: TODAY, intervals: intervalsFrom([]), rules: tierRulesFrom([]) }
    const data = overlayRegister(
      replica(),
      [newcomer, visit('r7', 'home', { created_at: '2026-11-27T10:00:00.000+08:00' })],
      defaults,
    )
    expect(data.residents.get('r7')).toMatchObject({ care_tier: 'general', next_visit_due: '2027-02-25' })
  })
})

describe('offline register edits', () => {
  it('shows a household edit at once, with the phone masked and the record marked', () => {
    const edit = item('household_upsert', {
      household: {
        id: 'h1',
        grid_id: 3,
        head_name: '王秀英',
        address: '示例路1号',
        room: '302',
        phone: '13912345678',
        notes: null,
      },
      base_version: 4,
    })
    const data = overlayRegister(replica(), [edit], options)
    const h = data.households.get('h1')!
    expect(h.room).toBe('302')
    expect(h.phone_masked).toBe('139****5678')
    expect(h.version).toBe(4)
    expect(data.marks.get('h1')).toEqual({ mark: 'pending', itemId: edit.id })
  })

  it('adds a household made offline in a new building, and its residents with a derived tier due today', () => {
    const newHousehold = item('household_upsert', {
      household: {
        id: 'h2',
        grid_id: 3,
        head_name: '赵桂兰',
        unit: '1',
        room: '101',
        building_id: 'b9',
        building: { id: 'b9', name: '新建9栋', address: '新路9号' },
      },
      base_version: null,
    })
    const newResident = item('resident_upsert', {
      resident: {
        id: 'r7',
        household_id: 'h2',
        name: '赵桂兰',
        gender: 'female',
        birth_date: '1941-01-05',
        tags: ['living_alone'],
        id_number: '36010319410105002X',
        phone: '13812345678',
        status: 'present',
      },
      base_version: null,
    })
    const data = overlayRegister(replica(), [newHousehold, newResident], options)
    expect(data.buildings.get('b9')).toMatchObject({ name: '新建9栋', grid_id: 3 })
    expect(data.householdsByBuilding.get('b9')!.map((h) => h.id)).toEqual(['h2'])
    const r = data.residents.get('r7')!
    expect(r).toMatchObject({
      grid_id: 3,
      care_tier: 'high',
      next_visit_due: TODAY,
      age: 85,
      phone_masked: '138****5678',
    })
    expect(r.id_number_masked).toBe('3601**********002X')
    expect(data.residentsByHousehold.get('h2')!.map((x) => x.id)).toEqual(['r7'])
    expect(dueLists(data.residents.values(), TODAY).today.map((x) => x.id)).toEqual(['r1', 'r7'])
  })

  it('moves the due date when an edit changes the tier, and drops it when the resident died', () => {
    const tagged = item('resident_upsert', {
      resident: { ...young, tags: ['disabled'], care_tier_override: 'key', care_tier_reason: '行动不便' },
      base_version: 1,
    })
    const died = item('resident_upsert', { resident: { ...aged, status: 'deceased' }, base_version: 2 })
    const data = overlayRegister(replica(), [tagged, died], options)
    expect(data.residents.get('r3')).toMatchObject({ care_tier: 'key', next_visit_due: TODAY })
    expect(data.residents.get('r1')!.care_tier).toBeUndefined()
    expect(data.residents.get('r1')!.next_visit_due).toBeUndefined()
  })

  it('keeps the masked number when the masked value is echoed back', () => {
    const echo = item('resident_upsert', {
      resident: { id: 'r1', household_id: 'h1', name: '王秀英', id_number: '3601**********1234' },
      base_version: 2,
    })
    const data = overlayRegister(
      { ...replica(), residents: [{ ...aged, id_number_masked: '3601**********1234' }] },
      [echo],
      options,
    )
    expect(data.residents.get('r1')!.id_number_masked).toBe('3601**********1234')
  })

  it('shows the server copy for a conflict, marked, and a rejected edit marked to fix', () => {
    const conflict = item(
      'household_upsert',
      { household: { id: 'h1', grid_id: 3, head_name: '改名' }, base_version: 3 },
      { status: 'conflict' },
    )
    const rejected = item(
      'resident_upsert',
      { resident: { ...young, name: '王小磊' }, base_version: 1 },
      { status: 'needs_fix' },
    )
    const data = overlayRegister(replica(), [conflict, rejected], options)
    expect(data.households.get('h1')!.head_name).toBe('王秀英')
    expect(data.marks.get('h1')).toEqual({ mark: 'conflict', itemId: conflict.id })
    expect(data.residents.get('r3')!.name).toBe('王小磊')
    expect(data.marks.get('r3')!.mark).toBe('needs_fix')
  })

  it('drops a delivered edit once a pull ran after it (the record may have left the grid)', () => {
    const moved = item(
      'household_upsert',
      { household: { id: 'h5', grid_id: 3, head_name: '某', address: 'x' }, base_version: null },
      {
        status: 'done',
        updated_at: '2026-11-27T09:31:00.000+08:00',
      },
    )
    expect(overlayRegister(replica(), [moved], { ...options, lastPullAt: null }).households.has('h5')).toBe(true)
    expect(
      overlayRegister(replica(), [moved], { ...options, lastPullAt: '2026-11-27T09:32:00.000+08:00' }).households.has(
        'h5',
      ),
    ).toBe(false)
  })
})
