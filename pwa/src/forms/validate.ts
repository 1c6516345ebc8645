/**
 * The server's answer rules (server/forms/answers.py) on the phone: same checks, same order,
 * same messages in zh-CN and English, so a form that passes here is not rejected after sync.
 * Pure: no Vue, no DOM. tests/fixtures/answer_cases.json holds the server's own verdicts.
 */
import type { Answers, Condition, FieldErrors, FieldSpec, LabelLanguage } from './types'

export const DEFAULT_MAX: Partial<Record<FieldSpec['type'], number>> = { text: 200, textarea: 2000, photo: 20 }

const SHA256_RE = /^[0-9a-f]{64}$/
/** Python's `\d{4}-\d{2}-\d{2}$`: any Unicode digit, and `$` also matches before a final newline. */
const PY_DATE_RE = /^\p{Nd}{4}-\p{Nd}{2}-\p{Nd}{2}\n?$/u
const ISO_DATE_RE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/
/** Exactly the characters Python's str.strip() removes (str.isspace). */
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
const PY_BLANK_RE = new RegExp(`^[${PY_SPACE}]*$`)

/** A message in the caller's language, like server.i18n.msg. */
type Msg = (zh: string, en: string) => string

function messages(lang: LabelLanguage): Msg {
  return (zh, en) => (lang === 'en' ? en : zh)
}

class FieldFailure extends Error {
  constructor(readonly texts: string[]) {
    super(texts[0])
  }
}

/** Python's len(): code points, not UTF-16 units. */
function pyLen(text: string): number {
  return Array.from(text).length
}

/** No answer: absent, null, blank text or an empty list (server is_empty). */
export function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    (typeof value === 'string' && PY_BLANK_RE.test(value)) ||
    (Array.isArray(value) && value.length === 0)
  )
}

/** A finite JSON number; true/false are not numbers here (server is_number). */
export function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

/** Equality where a yes/no answer never equals a number (server same_value). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    return typeof a === 'boolean' && typeof b === 'boolean' && a === b
  }
  return a === b
}

/** show_if {field, equals | in}: for a multiple choice, any picked value counts. */
export function conditionHolds(condition: Condition, value: unknown): boolean {
  const targets = 'equals' in condition ? [condition.equals] : (condition.in ?? [])
  const picked = Array.isArray(value) ? value : [value]
  return picked.some((p) => targets.some((t) => sameValue(p, t)))
}

/** Problems with a {lat, lng, accuracy?, ...} point; empty when it is fine (server geopoint_errors). */
export function geopointErrors(value: unknown, lang: LabelLanguage = 'zh'): string[] {
  const msg = messages(lang)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [msg('位置格式应为 {lat, lng, accuracy}', 'A location is {lat, lng, accuracy}')]
  }
  const point = value as Record<string, unknown>
  const { lat, lng, accuracy } = point
  if (!isNumber(lat) || lat < -90 || lat > 90)
    return [msg('纬度应在 -90 到 90 之间', 'Latitude must be between -90 and 90')]
  if (!isNumber(lng) || lng < -180 || lng > 180) {
    return [msg('经度应在 -180 到 180 之间', 'Longitude must be between -180 and 180')]
  }
  if (accuracy !== undefined && accuracy !== null && (!isNumber(accuracy) || accuracy < 0)) {
    return [msg('定位精度应为不小于 0 的数', 'Accuracy must be a number ≥ 0')]
  }
  const extras = Object.entries(point).filter(([k]) => k !== 'lat' && k !== 'lng' && k !== 'accuracy')
  const plain = extras.every(
    ([k, v]) =>
      pyLen(k) <= 40 &&
      (v === null || typeof v === 'boolean' || isNumber(v) || (typeof v === 'string' && pyLen(v) <= 100)),
  )
  if (extras.length > 10 || !plain) {
    return [msg('位置含无法识别的附加项', 'The location has extra keys that are not plain values')]
  }
  return []
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

/** date.fromisoformat for YYYY-MM-DD: a real day between year 1 and 9999. */
function isRealDate(text: string): boolean {
  const m = ISO_DATE_RE.exec(text)
  if (!m) return false
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (year < 1 || month < 1 || month > 12 || day < 1) return false
  const days = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
  return day <= days
}

/** The field's own check of a non-null value (the server's AnswerField subclasses). */
function checkValue(spec: FieldSpec, value: unknown, lang: LabelLanguage): void {
  const msg = messages(lang)
  const fail = (zh: string, en: string): never => {
    throw new FieldFailure([msg(zh, en)])
  }
  const low = spec.min
  const high = spec.max ?? DEFAULT_MAX[spec.type]
  const checkCount = (count: number) => {
    if (low !== undefined && count < low) fail(`至少选择 ${low} 项`, `Choose at least ${low}`)
    if (high !== undefined && count > high) fail(`最多选择 ${high} 项`, `Choose at most ${high}`)
  }
  const allowed = () => new Set((spec.choices ?? []).map((c) => c.value))

  switch (spec.type) {
    case 'text':
    case 'textarea': {
      if (typeof value !== 'string') fail('应为文字', 'Must be text')
      const text = value as string
      if (!PY_BLANK_RE.test(text)) {
        const length = pyLen(text)
        if (low !== undefined && length < low) fail(`至少 ${low} 个字`, `At least ${low} characters`)
        if (high !== undefined && length > high) fail(`最多 ${high} 个字`, `At most ${high} characters`)
      }
      return
    }
    case 'number': {
      if (!isNumber(value)) fail('应为数字', 'Must be a number')
      const n = value as number
      if (spec.integer && !Number.isInteger(n)) fail('应为整数', 'Must be a whole number')
      if (low !== undefined && n < low) fail(`不能小于 ${low}`, `Must be at least ${low}`)
      if (high !== undefined && n > high) fail(`不能大于 ${high}`, `Must be at most ${high}`)
      return
    }
    case 'date': {
      if (typeof value !== 'string' || !PY_DATE_RE.test(value)) fail('日期格式应为 YYYY-MM-DD', 'Dates are YYYY-MM-DD')
      if (!isRealDate(value as string)) fail('没有这一天', 'No such date')
      return
    }
    case 'select_one': {
      if (typeof value !== 'string') fail('应为选项值', 'Must be one of the choices')
      if (value && !allowed().has(value as string)) {
        fail(`“${String(value)}”不在可选项中`, `“${String(value)}” is not one of the choices`)
      }
      return
    }
    case 'select_multiple': {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
        fail('应为选项列表', 'Must be a list of choices')
      }
      const picked = value as string[]
      const ok = allowed()
      const wrong = picked.filter((v) => !ok.has(v))
      if (wrong.length) fail(`“${wrong[0]}”不在可选项中`, `“${wrong[0]}” is not one of the choices`)
      if (new Set(picked).size !== picked.length) fail('选项重复', 'A choice is listed twice')
      if (picked.length) checkCount(picked.length)
      return
    }
    case 'yes_no': {
      if (typeof value !== 'boolean') fail('应为是或否', 'Must be yes or no')
      return
    }
    case 'photo': {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && SHA256_RE.test(v))) {
        fail('照片应为 SHA-256 编号列表', 'Photos are a list of SHA-256 hashes')
      }
      const shas = value as string[]
      if (new Set(shas).size !== shas.length) fail('照片重复', 'A photo is listed twice')
      if (shas.length) {
        if (low !== undefined && shas.length < low) fail(`至少 ${low} 张照片`, `At least ${low} photos`)
        if (high !== undefined && shas.length > high) fail(`最多 ${high} 张照片`, `At most ${high} photos`)
      }
      return
    }
    case 'geopoint': {
      const problems = geopointErrors(value, lang)
      if (problems.length) throw new FieldFailure(problems)
      return
    }
  }
}

/**
 * Whether each field is shown for these answers: true, false (hidden by its condition), or
 * null when unknown because the field it depends on was itself answered wrongly.
 * `failed` names fields whose own check failed (they count as not answered).
 */
export function fieldVisibility(
  specs: FieldSpec[],
  answers: Answers,
  failed: ReadonlySet<string> = new Set(),
): Record<string, boolean | null> {
  const shown: Record<string, boolean | null> = {}
  for (const spec of specs) {
    const condition = spec.show_if
    if (!condition) {
      shown[spec.name] = true
      continue
    }
    const parent = condition.field
    const parentShown = Object.prototype.hasOwnProperty.call(shown, parent) ? shown[parent] : null
    if (parentShown === null || failed.has(parent)) {
      shown[spec.name] = null
    } else {
      shown[spec.name] = parentShown && conditionHolds(condition, answers[parent])
    }
  }
  return shown
}

/**
 * Field errors of these answers against one template version ({} when valid), exactly as
 * the server's check_answers reports them: one list of messages per field.
 */
export function checkAnswers(specs: FieldSpec[], answers: unknown, lang: LabelLanguage = 'zh'): FieldErrors {
  const msg = messages(lang)
  if (typeof answers !== 'object' || answers === null || Array.isArray(answers)) {
    return { answers: [msg('答案应为对象', 'Answers must be an object')] }
  }
  const given = answers as Answers
  const errors: FieldErrors = {}
  const failed = new Set<string>()
  const byName = new Map(specs.map((s) => [s.name, s]))

  // Field by field: types, ranges, choices (marshmallow's field pass).
  for (const spec of specs) {
    if (!Object.prototype.hasOwnProperty.call(given, spec.name)) continue
    const value = given[spec.name]
    if (value === null) continue // null passes here; conditions decide whether it may be empty
    try {
      checkValue(spec, value, lang)
    } catch (err) {
      if (!(err instanceof FieldFailure)) throw err
      errors[spec.name] = err.texts
      failed.add(spec.name)
    }
  }
  // Keys the template does not have (marshmallow unknown=RAISE).
  for (const name of Object.keys(given)) {
    if (!byName.has(name)) errors[name] = [msg('未知字段', 'Unknown field.')]
  }
  // Conditions: required only when shown; a hidden field must stay empty.
  const shown = fieldVisibility(specs, given, failed)
  for (const spec of specs) {
    if (failed.has(spec.name)) continue // already reported by its own check
    const value = given[spec.name]
    if (shown[spec.name] === false && !isEmpty(value)) {
      errors[spec.name] = [
        msg(
          '按当前选择，此项不应填写（请清空或修改上面的选择）',
          'This field is hidden by an earlier answer and must be left empty',
        ),
      ]
    } else if (shown[spec.name] && spec.required && isEmpty(value)) {
      errors[spec.name] = [msg('必填项', 'Required')]
    }
  }
  return errors
}

/** Names of the fields to show on screen for the current answers. */
export function visibleFieldNames(specs: FieldSpec[], answers: Answers): Set<string> {
  const shown = fieldVisibility(specs, answers)
  return new Set(specs.filter((s) => shown[s.name] !== false).map((s) => s.name))
}

/**
 * The answers to send: only the template's fields, hidden and empty ones left out (the server
 * treats absent as not answered, and refuses a hidden field that holds a value).
 */
export function answersToSend(specs: FieldSpec[], answers: Answers): Answers {
  const shown = fieldVisibility(specs, answers)
  const out: Answers = {}
  for (const spec of specs) {
    const value = answers[spec.name]
    if (shown[spec.name] === false || isEmpty(value)) continue
    out[spec.name] = value
  }
  return out
}

/** Every photo hash named in the answers, in field order (server photo_answers). */
export function photoAnswers(specs: FieldSpec[], answers: Answers): string[] {
  const shas: string[] = []
  for (const spec of specs) {
    const value = answers[spec.name]
    if (spec.type === 'photo' && Array.isArray(value)) shas.push(...(value as string[]))
  }
  return shas
}
