// The household and resident forms: the server's rules and messages, and the records they send.
import { describe, expect, it } from 'vitest'
import {
  changedRecord,
  checkHousehold,
  checkResident,
  householdForm,
  householdRecord,
  residentForm,
  residentRecord,
  withLocalBuilding,
} from '../../src/register/forms'
import { makeIdNumber, maskIdNumber } from '../../src/register/idcard'
import type { Resident } from '../../src/register/types'

const TODAY = '2026-11-27'

describe('household form', () => {
  const blank = () => householdForm(null, { id: 'h-new', grid_id: 3, buildingId: 'b-new' })

  it('needs a head, and an address or a building', () => {
    const form = { ...blank(), building: 'none' as const }
    expect(checkHousehold(form)).toEqual({ head_name: ['必填项'] })
    form.head_name = '王秀英'
    expect(checkHousehold(form)).toEqual({ address: ['请填写地址或选择楼栋'] })
    expect(checkHousehold(form, 'en')).toEqual({ address: ['Give an address or choose a building'] })
    form.address = '蓼洲街8号'
    expect(checkHousehold(form)).toEqual({})
    expect(checkHousehold({ ...form, building: 'existing' })).toEqual({ building_id: ['请选择楼栋'] })
  })

  it('checks the phone and lengths like the server', () => {
    const form = {
      ...blank(),
      building: 'none' as const,
      head_name: '王',
      address: 'x',
      phone: '0791-86123456',
      room: '1'.repeat(21),
    }
    const errors = checkHousehold(form)
    expect(errors.phone[0]).toContain('座机')
    expect(errors.room).toEqual(['最多 20 个字'])
  })

  it('sends a new building with the household, and the phone only when typed', () => {
    const form = { ...blank(), building: 'new' as const, head_name: ' 王秀英 ', unit: '2', room: '301' }
    expect(checkHousehold(form)).toEqual({ building: ['楼栋名称：必填项'] })
    form.new_building.name = '新建9栋'
    const record = householdRecord(form)
    expect(record).toEqual({
      id: 'h-new',
      grid_id: 3,
      building_id: 'b-new',
      unit: '2',
      room: '301',
      address: null,
      housing_type: null,
      head_name: '王秀英',
      notes: null,
      building: { id: 'b-new', name: '新建9栋', address: null },
    })
    expect(householdRecord({ ...form, phone: '13812345678' }).phone).toBe('13812345678')
  })

  it('carries a building made on the phone along with a second household in it', () => {
    const record = { id: 'h2', building_id: 'b9' }
    expect(withLocalBuilding(record, { id: 'b9', grid_id: 3, name: '9栋' }, false)).toEqual({
      id: 'h2',
      building_id: 'b9',
      building: { id: 'b9', name: '9栋', address: null },
    })
    expect(withLocalBuilding(record, { id: 'b9', grid_id: 3, name: '9栋' }, true)).toBe(record)
  })
})

describe('resident form', () => {
  const number = makeIdNumber('360103', '1950-06-01', 22) // a woman
  const filled = () => ({
    ...residentForm(null, { id: 'r-new', household_id: 'h1' }),
    name: '王秀英',
    gender: 'female',
    birth_date: '1950-06-01',
  })

  it('needs name, gender and birth date, and refuses a birth date in the future', () => {
    const errors = checkResident(residentForm(null, { id: 'r', household_id: 'h1' }), TODAY, null)
    expect(Object.keys(errors).sort()).toEqual(['birth_date', 'gender', 'name'])
    expect(checkResident({ ...filled(), birth_date: '2027-01-01' }, TODAY, null)).toEqual({
      birth_date: ['出生日期不能在未来'],
    })
    expect(checkResident({ ...filled(), birth_date: '2023-02-29' }, TODAY, null)).toEqual({
      birth_date: ['没有这一天'],
    })
  })

  it('checks the ID number, then that it agrees with birth date and gender', () => {
    expect(checkResident({ ...filled(), id_number: number }, TODAY, null)).toEqual({})
    expect(checkResident({ ...filled(), id_number: number.slice(0, 17) }, TODAY, null).id_number[0]).toContain(
      '现为 17 位',
    )
    expect(checkResident({ ...filled(), id_number: number.slice(0, 17) + 'x' }, TODAY, null).id_number).toBeDefined()
    const wrong = checkResident(
      { ...filled(), id_number: number, gender: 'male', birth_date: '1950-06-02' },
      TODAY,
      null,
    )
    expect(wrong.id_number).toHaveLength(2)
    expect(wrong.id_number[0]).toContain('1950-06-01')
    expect(checkResident({ ...filled(), phone: '1381234567' }, TODAY, null).phone).toHaveLength(1)
  })

  it('catches a gender edit that the stored (masked) number contradicts', () => {
    const stored = { id_number_masked: maskIdNumber(number) } as Resident
    expect(checkResident({ ...filled(), gender: 'male' }, TODAY, stored).gender[0]).toContain('性别')
    expect(checkResident(filled(), TODAY, stored)).toEqual({})
  })

  it('wants a reason for a tier override', () => {
    expect(checkResident({ ...filled(), care_tier_override: 'high' }, TODAY, null)).toEqual({
      care_tier_reason: ['调整巡访等级需填写原因'],
    })
  })

  it('sends every editable field, numbers only when typed', () => {
    const record = residentRecord({ ...filled(), tags: ['living_alone'], relation: 'head' })
    expect(record).toEqual({
      id: 'r-new',
      household_id: 'h1',
      name: '王秀英',
      gender: 'female',
      birth_date: '1950-06-01',
      relation: 'head',
      status: 'present',
      tags: ['living_alone'],
      care_tier_override: null,
      care_tier_reason: null,
    })
    expect(residentRecord({ ...filled(), id_number: number, phone: '13812345678' })).toMatchObject({
      id_number: number,
      phone: '13812345678',
    })
  })
})

describe('edits send only what changed', () => {
  it('keeps the id and the changed fields, numbers only when typed', () => {
    const start = { id: 'h1', head_name: '王', room: '301', notes: null, tags: ['aged'] }
    expect(changedRecord({ ...start }, start)).toEqual({ id: 'h1' })
    expect(
      changedRecord({ ...start, room: '302', tags: ['aged', 'living_alone'], phone: '13812345678' }, start),
    ).toEqual({
      id: 'h1',
      room: '302',
      tags: ['aged', 'living_alone'],
      phone: '13812345678',
    })
  })
})
