/**
 * ID-card numbers (GB 11643) and mobile numbers checked on the phone exactly as the server
 * checks them (server/register/idcard.py): same rules, same order, same messages in zh-CN and
 * English, so a resident saved offline is not sent back after sync. Pure.
 */
import type { LabelLanguage } from '../forms/types'

/** Weights of the first 17 digits, and the check character for each remainder mod 11. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK_CHARS = '10X98765432'
/** Province-level divisions (GB/T 2260), plus 71 台湾, 81 香港, 82 澳门, 83 (residence permits). */
const PROVINCE_CODES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
  64, 65, 71, 81, 82, 83,
])
export const EARLIEST_BIRTH = '1900-01-01'
const MOBILE_RE = /^1[3-9]\d{9}$/
const ID_SHAPE = /^\d{17}[\dX]$/
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/

type Msg = (zh: string, en: string) => string

function messages(lang: LabelLanguage): Msg {
  return (zh, en) => (lang === 'en' ? en : zh)
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

/** YYYY-MM-DD of a real calendar day, or null (Python's date(y, m, d) rules, years 1–9999). */
export function realDate(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return null
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
  return day <= days ? `${pad(year, 4)}-${pad(month)}-${pad(day)}` : null
}

/** A YYYY-MM-DD text that names a real day (date.fromisoformat), else null. */
export function parseIsoDate(text: unknown): string | null {
  if (typeof text !== 'string') return null
  const m = DATE_RE.exec(text)
  return m ? realDate(Number(m[1]), Number(m[2]), Number(m[3])) : null
}

/** The 18th character GB 11643 gives these 17 digits. */
export function checkCharacter(first17: string): string {
  let total = 0
  for (let i = 0; i < 17; i++) total += Number(first17[i]) * WEIGHTS[i]
  return CHECK_CHARS[total % 11]
}

/** The birth date an 18-character number encodes (YYYY-MM-DD), or null when it is not a real date. */
export function birthDateOf(number: string): string | null {
  return realDate(Number(number.slice(6, 10)), Number(number.slice(10, 12)), Number(number.slice(12, 14)))
}

/** The 17th digit: odd for a man, even for a woman. */
export function genderOf(number: string): 'male' | 'female' {
  return Number(number[16]) % 2 ? 'male' : 'female'
}

/** What is wrong with an ID-card number on its own (length, region, date, check character); [] when fine. */
export function idNumberErrors(number: unknown, today: string, lang: LabelLanguage = 'zh'): string[] {
  const msg = messages(lang)
  if (typeof number !== 'string') return [msg('身份证号应为文字', 'The ID number must be text')]
  // Python's len() counts code points.
  const length = [...number].length
  if (length !== 18) {
    return [msg(`身份证号应为 18 位（现为 ${length} 位）`, `An ID number has 18 characters (this one has ${length})`)]
  }
  if (number.endsWith('x') && /^\d{17}$/.test(number.slice(0, 17))) {
    return [msg('身份证号末位请用大写字母 X', 'Use a capital X as the last character')]
  }
  if (!ID_SHAPE.test(number)) {
    return [msg('身份证号应为 17 位数字加 1 位数字或大写 X', 'An ID number is 17 digits, then a digit or a capital X')]
  }
  const province = number.slice(0, 2)
  if (!PROVINCE_CODES.has(Number(province))) {
    return [msg(`身份证号前两位“${province}”不是有效的省级行政区划代码`, `“${province}” is not a province code`)]
  }
  const born = birthDateOf(number)
  if (born === null) {
    const digits = number.slice(6, 14)
    return [
      msg(`身份证号中的出生日期“${digits}”不是有效日期`, `The birth date in the number, ${digits}, is not a real date`),
    ]
  }
  if (born > today) return [msg('身份证号中的出生日期在未来', 'The birth date in the number is in the future')]
  if (born < EARLIEST_BIRTH)
    return [msg('身份证号中的出生日期早于 1900 年', 'The birth date in the number is before 1900')]
  if (checkCharacter(number.slice(0, 17)) !== number[17]) {
    return [msg('身份证号校验位不正确，请核对号码', 'The check character does not match; please check the number')]
  }
  return []
}

export function birthDateMismatch(number: string, lang: LabelLanguage = 'zh'): string {
  const born = birthDateOf(number) ?? ''
  return messages(lang)(
    `身份证号中的出生日期 ${born} 与填写的出生日期不一致`,
    `The number says born ${born}, which differs from the birth date given`,
  )
}

export function genderMismatch(lang: LabelLanguage = 'zh'): string {
  return messages(lang)(
    '身份证号中的性别（第 17 位奇数为男、偶数为女）与填写的性别不一致',
    "The number's gender (17th digit: odd male, even female) differs from the gender given",
  )
}

/** Where a valid number disagrees with the resident's own birth date and gender fields. */
export function idNumberDisagreements(
  number: string,
  birthDate: string | null,
  gender: string | null,
  lang: LabelLanguage = 'zh',
): { birth_date: string[]; gender: string[] } {
  const out = { birth_date: [] as string[], gender: [] as string[] }
  if (birthDate !== null && birthDateOf(number) !== birthDate) out.birth_date.push(birthDateMismatch(number, lang))
  if (gender !== null && genderOf(number) !== gender) out.gender.push(genderMismatch(lang))
  return out
}

/**
 * The gender a masked number still shows (3601**********1234: the 17th character is among
 * the last four), or null when it is hidden. Lets the phone catch a gender edit the server
 * would refuse, without ever holding the full number.
 */
export function genderOfMasked(masked: string | null | undefined): 'male' | 'female' | null {
  if (!masked || masked.length !== 18 || !/\d/.test(masked[16])) return null
  return genderOf(masked)
}

/** A mobile number: 11 digits, 1 then 3–9. */
export function phoneErrors(phone: unknown, lang: LabelLanguage = 'zh'): string[] {
  if (typeof phone !== 'string' || !MOBILE_RE.test(phone)) {
    return [
      messages(lang)(
        '手机号应为 11 位数字，以 13–19 开头（座机号请写在备注中）',
        'A mobile number is 11 digits starting 13–19 (put a landline in the notes)',
      ),
    ]
  }
  return []
}

/** A birth date that cannot be: in the future or before 1900 (value already a real YYYY-MM-DD). */
export function birthDateErrors(value: string, today: string, lang: LabelLanguage = 'zh'): string[] {
  const msg = messages(lang)
  if (value > today) return [msg('出生日期不能在未来', 'The birth date cannot be in the future')]
  if (value < EARLIEST_BIRTH) return [msg('出生日期不能早于 1900 年', 'The birth date cannot be before 1900')]
  return []
}

/** 3601**********1234: first four and last four characters shown. */
export function maskIdNumber(number: string | null | undefined): string | undefined {
  if (!number) return undefined
  return number.slice(0, 4) + '*'.repeat(Math.max(0, number.length - 8)) + number.slice(-4)
}

/** 138****5678: first three and last four digits shown (as the server masks). */
export function maskPhone(phone: string | null | undefined): string | undefined {
  if (!phone) return undefined
  return phone.slice(0, 3) + '*'.repeat(Math.max(0, phone.length - 7)) + phone.slice(-4)
}

/** A number with the right check character (tests and demo data): region 6 digits, birth YYYY-MM-DD, sequence 0–999. */
export function makeIdNumber(region: string, birthDate: string, sequence: number): string {
  const first17 = `${region}${birthDate.replace(/-/g, '')}${pad(sequence, 3)}`
  return first17 + checkCharacter(first17)
}
