/**
 * The household and resident edit forms: their values, the server's rules on them
 * (server/register/service.py, same messages), and the record they send in a
 * household_upsert / resident_upsert item. Pure.
 */
import type { FieldErrors, LabelLanguage } from '../forms/types'
import {
  birthDateErrors,
  genderMismatch,
  genderOfMasked,
  idNumberDisagreements,
  idNumberErrors,
  parseIsoDate,
  phoneErrors,
} from './idcard'
import type { Building, CareTier, Household, Resident } from './types'

type Msg = (zh: string, en: string) => string

function messages(lang: LabelLanguage): Msg {
  return (zh, en) => (lang === 'en' ? en : zh)
}

const required = (msg: Msg) => [msg('必填项', 'Required')]
const tooLong = (msg: Msg, limit: number) => [msg(`最多 ${limit} 个字`, `At most ${limit} characters`)]

function len(text: string): number {
  return [...text.trim()].length
}

// ---- households ------------------------------------------------------------------------

export type BuildingChoice = 'existing' | 'new' | 'none'

export interface HouseholdForm {
  id: string
  grid_id: number | null
  building: BuildingChoice
  building_id: string | null
  /** A building made on the phone with this household (building = 'new'). */
  new_building: { id: string; name: string; address: string }
  unit: string
  room: string
  address: string
  housing_type: string
  head_name: string
  /** Typed by the worker; empty keeps the stored number. */
  phone: string
  notes: string
}

export const HOUSEHOLD_TEXT = { unit: 20, room: 20, address: 200, head_name: 50, notes: 500 } as const
export const BUILDING_TEXT = { name: 100, address: 200 } as const

export function householdForm(
  household: Household | null,
  defaults: { id: string; grid_id: number | null; buildingId: string },
): HouseholdForm {
  return {
    id: household?.id ?? defaults.id,
    grid_id: household?.grid_id ?? defaults.grid_id,
    building: household ? (household.building_id ? 'existing' : 'none') : 'existing',
    building_id: household?.building_id ?? null,
    new_building: { id: defaults.buildingId, name: '', address: '' },
    unit: household?.unit ?? '',
    room: household?.room ?? '',
    address: household?.address ?? '',
    housing_type: household?.housing_type ?? '',
    head_name: household?.head_name ?? '',
    phone: '',
    notes: household?.notes ?? '',
  }
}

export function checkHousehold(form: HouseholdForm, lang: LabelLanguage = 'zh'): FieldErrors {
  const msg = messages(lang)
  const errors: FieldErrors = {}
  if (form.grid_id === null) errors.grid_id = [msg('请选择网格', 'Choose a grid')]
  for (const [name, limit] of Object.entries(HOUSEHOLD_TEXT)) {
    if (len(form[name as keyof typeof HOUSEHOLD_TEXT]) > limit) errors[name] = tooLong(msg, limit)
  }
  if (!form.head_name.trim() && !errors.head_name) errors.head_name = required(msg)
  if (form.phone.trim()) {
    const problems = phoneErrors(form.phone.trim(), lang)
    if (problems.length) errors.phone = problems
  }
  if (form.building === 'existing' && !form.building_id) {
    errors.building_id = [msg('请选择楼栋', 'Choose a building')]
  }
  if (form.building === 'new') {
    const name = form.new_building.name.trim()
    if (!name) errors.building = [msg('楼栋名称：', 'Building name: ') + required(msg)[0]]
    else if (len(name) > BUILDING_TEXT.name)
      errors.building = [msg('楼栋名称：', 'Building name: ') + tooLong(msg, BUILDING_TEXT.name)[0]]
    else if (len(form.new_building.address) > BUILDING_TEXT.address) {
      errors.building = [msg('楼栋地址：', 'Building address: ') + tooLong(msg, BUILDING_TEXT.address)[0]]
    }
  }
  if (!Object.keys(errors).length && form.building === 'none' && !form.address.trim()) {
    errors.address = [msg('请填写地址或选择楼栋', 'Give an address or choose a building')]
  }
  return errors
}

const orNull = (text: string) => (text.trim() ? text.trim() : null)

/** The `household` of a household_upsert: every editable field; the phone only when typed. */
export function householdRecord(form: HouseholdForm): Record<string, unknown> {
  const record: Record<string, unknown> = {
    id: form.id,
    grid_id: form.grid_id,
    building_id:
      form.building === 'existing' ? form.building_id : form.building === 'new' ? form.new_building.id : null,
    unit: orNull(form.unit),
    room: orNull(form.room),
    address: orNull(form.address),
    housing_type: form.housing_type || null,
    head_name: form.head_name.trim(),
    notes: orNull(form.notes),
  }
  if (form.phone.trim()) record.phone = form.phone.trim()
  if (form.building === 'new') {
    record.building = {
      id: form.new_building.id,
      name: form.new_building.name.trim(),
      address: orNull(form.new_building.address),
    }
  }
  return record
}

/**
 * A building made on the phone and not yet on the server goes along with every household
 * that uses it: the server takes a known id as a plain reference, a new one as a create.
 */
export function withLocalBuilding(
  record: Record<string, unknown>,
  building: Building | undefined,
  pulled: boolean,
): Record<string, unknown> {
  if (!building || pulled || record.building) return record
  return { ...record, building: { id: building.id, name: building.name, address: building.address ?? null } }
}

// ---- residents -------------------------------------------------------------------------

export interface ResidentForm {
  id: string
  household_id: string
  name: string
  gender: string
  birth_date: string
  /** Typed by the worker; empty keeps the stored number. */
  id_number: string
  phone: string
  relation: string
  status: string
  tags: string[]
  care_tier_override: string
  care_tier_reason: string
}

export const RESIDENT_TEXT = { name: 50, care_tier_reason: 200 } as const

export function residentForm(resident: Resident | null, defaults: { id: string; household_id: string }): ResidentForm {
  return {
    id: resident?.id ?? defaults.id,
    household_id: resident?.household_id ?? defaults.household_id,
    name: resident?.name ?? '',
    gender: resident?.gender ?? '',
    birth_date: resident?.birth_date ?? '',
    id_number: '',
    phone: '',
    relation: resident?.relation ?? '',
    status: resident?.status ?? 'present',
    tags: [...(resident?.tags ?? [])],
    care_tier_override: resident?.care_tier_override ?? '',
    care_tier_reason: resident?.care_tier_reason ?? '',
  }
}

/**
 * The server's checks on a resident, in its order: text, choices, dates, numbers, the override's
 * reason, then whether the ID number agrees with the birth date and gender. `stored` is the
 * pulled resident when editing: its masked number still shows the gender digit.
 */
export function checkResident(
  form: ResidentForm,
  today: string,
  stored: Resident | null,
  lang: LabelLanguage = 'zh',
): FieldErrors {
  const msg = messages(lang)
  const errors: FieldErrors = {}
  if (len(form.name) > RESIDENT_TEXT.name) errors.name = tooLong(msg, RESIDENT_TEXT.name)
  else if (!form.name.trim()) errors.name = required(msg)
  if (len(form.care_tier_reason) > RESIDENT_TEXT.care_tier_reason)
    errors.care_tier_reason = tooLong(msg, RESIDENT_TEXT.care_tier_reason)
  if (!form.household_id) errors.household_id = required(msg)
  if (!form.gender) errors.gender = required(msg)
  if (!form.birth_date) {
    errors.birth_date = required(msg)
  } else {
    const date = parseIsoDate(form.birth_date)
    const problems =
      date === null
        ? [
            form.birth_date.length === 10
              ? msg('没有这一天', 'No such date')
              : msg('日期格式应为 YYYY-MM-DD', 'Dates are YYYY-MM-DD'),
          ]
        : birthDateErrors(date, today, lang)
    if (problems.length) errors.birth_date = problems
  }
  const idNumber = form.id_number.trim()
  if (idNumber) {
    const problems = idNumberErrors(idNumber, today, lang)
    if (problems.length) errors.id_number = problems
  }
  const phone = form.phone.trim()
  if (phone) {
    const problems = phoneErrors(phone, lang)
    if (problems.length) errors.phone = problems
  }
  if (form.care_tier_override && !form.care_tier_reason.trim() && !errors.care_tier_reason) {
    errors.care_tier_reason = [msg('调整巡访等级需填写原因', 'Give a reason for overriding the tier')]
  }
  if (Object.keys(errors).length) return errors
  if (idNumber) {
    // A new number is blamed for any disagreement, as the server does.
    const found = idNumberDisagreements(idNumber, form.birth_date, form.gender, lang)
    const all = [...found.birth_date, ...found.gender]
    if (all.length) errors.id_number = all
  } else if (stored?.id_number_masked) {
    // The stored number is only masked here: its gender digit shows, its birth date does not.
    const gender = genderOfMasked(stored.id_number_masked)
    if (gender && form.gender && gender !== form.gender) errors.gender = [genderMismatch(lang)]
  }
  return errors
}

/** The `resident` of a resident_upsert: every editable field; numbers only when typed. */
export function residentRecord(form: ResidentForm): Record<string, unknown> {
  const override = (form.care_tier_override || null) as CareTier | null
  const record: Record<string, unknown> = {
    id: form.id,
    household_id: form.household_id,
    name: form.name.trim(),
    gender: form.gender,
    birth_date: form.birth_date,
    relation: form.relation || null,
    status: form.status || 'present',
    tags: [...form.tags],
    care_tier_override: override,
    care_tier_reason: override ? form.care_tier_reason.trim() : null,
  }
  if (form.id_number.trim()) record.id_number = form.id_number.trim()
  if (form.phone.trim()) record.phone = form.phone.trim()
  return record
}

/**
 * An edit sends only what the worker changed (and the id): the server keeps every field not
 * sent, so a conflict shows only real differences and 保留我的 never undoes someone else's
 * change to a field the worker did not touch.
 */
export function changedRecord(
  next: Record<string, unknown>,
  start: Record<string, unknown>,
): Record<string, unknown> & { id: string } {
  const out: Record<string, unknown> & { id: string } = { id: String(next.id) }
  for (const [key, value] of Object.entries(next)) {
    if (key === 'id') continue
    if (!(key in start) || JSON.stringify(value) !== JSON.stringify(start[key])) out[key] = value
  }
  return out
}
