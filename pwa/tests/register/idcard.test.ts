// ID numbers and phones on the phone: the server's own cases (tests/unit/test_idcard.py), same verdicts.
import { describe, expect, it } from 'vitest'
import {
  birthDateErrors,
  checkCharacter,
  genderOf,
  genderOfMasked,
  idNumberDisagreements,
  idNumberErrors,
  makeIdNumber,
  maskIdNumber,
  maskPhone,
  parseIsoDate,
  phoneErrors,
} from '../../src/register/idcard'

const TODAY = '2026-11-27'
// The standard's own worked example: Beijing, 31 Dec 1949, a woman.
const EXAMPLE = '11010519491231002X'
const withCheck = (first17: string) => first17 + checkCharacter(first17)

describe('GB 11643 ID numbers', () => {
  it('accepts the standard example and reads its gender', () => {
    expect(checkCharacter(EXAMPLE.slice(0, 17))).toBe('X')
    expect(idNumberErrors(EXAMPLE, TODAY)).toEqual([])
    expect(genderOf(EXAMPLE)).toBe('female')
  })

  it('makes valid numbers that say their birth date and gender', () => {
    const number = makeIdNumber('360103', '1942-02-28', 131)
    expect(number.startsWith('36010319420228131')).toBe(true)
    expect(idNumberErrors(number, TODAY)).toEqual([])
    expect(genderOf(number)).toBe('male')
    expect(idNumberDisagreements(number, '1942-02-28', 'male')).toEqual({ birth_date: [], gender: [] })
  })

  it('maps every remainder to its check character', () => {
    const seen = new Set(
      Array.from({ length: 200 }, (_, n) => checkCharacter(`36010319500101${String(n).padStart(3, '0')}`)),
    )
    expect([...seen].sort().join('')).toBe([...'10X98765432'].sort().join(''))
  })

  it.each([
    [EXAMPLE.slice(0, 17) + '5', '校验位'],
    [EXAMPLE.slice(0, 17), '18 位（现为 17 位）'],
    [EXAMPLE + '1', '18 位（现为 19 位）'],
    [withCheck('36010319490230002'), '不是有效日期'],
    [withCheck('36010319491301002'), '不是有效日期'],
    [withCheck('36010320991231002'), '在未来'],
    [withCheck('36010318991231002'), '1900'],
    [EXAMPLE.slice(0, 17) + 'x', '大写字母 X'],
    [withCheck('99010519491231002'), '省级行政区划'],
    ['3601051949123100AX', '17 位数字'],
    ['', '18 位'],
    // eslint-disable-next-line no-loss-of-precision -- a number on purpose (not text); its exact value does not matter
    [36010519491231002, '文字'],
  ])('names what is wrong with %s', (number, needle) => {
    const problems = idNumberErrors(number, TODAY)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain(needle)
  })

  it('says it in English too', () => {
    expect(idNumberErrors(EXAMPLE.slice(0, 17) + '5', TODAY, 'en')[0]).toBe(
      'The check character does not match; please check the number',
    )
    expect(idNumberErrors(EXAMPLE.slice(0, 17) + 'x', TODAY, 'en')[0]).toBe('Use a capital X as the last character')
  })

  it('names a birth date or gender that disagrees with the number', () => {
    const number = makeIdNumber('360103', '1950-06-01', 22) // even: a woman
    const { birth_date, gender } = idNumberDisagreements(number, '1950-06-02', 'male')
    expect(birth_date[0]).toContain('1950-06-01')
    expect(birth_date[0]).toContain('出生日期')
    expect(gender[0]).toContain('性别')
  })

  it('reads the gender a masked number still shows', () => {
    expect(genderOfMasked(maskIdNumber(EXAMPLE))).toBe('female')
    expect(genderOfMasked(maskIdNumber(makeIdNumber('360103', '1942-02-28', 131)))).toBe('male')
    expect(genderOfMasked(undefined)).toBeNull()
  })
})

describe('mobile numbers, birth dates, masks', () => {
  it.each([
    ['13812345678', true],
    ['19912345678', true],
    ['1381234567', false],
    ['0791-86123456', false],
    ['079186123456', false],
    ['1381234567a', false],
    ['abcdefghijk', false],
    ['12812345678', false],
    ['+8613812345678', false],
    [13812345678, false],
  ])('phone %s valid: %s', (phone, ok) => {
    expect(phoneErrors(phone).length === 0).toBe(ok)
  })

  it('tells a landline where to go', () => {
    expect(phoneErrors('0791-86123456')[0]).toContain('座机')
    expect(phoneErrors('0791-86123456', 'en')[0]).toContain('landline')
  })

  it('refuses birth dates in the future or before 1900', () => {
    expect(birthDateErrors('2026-11-28', TODAY)).toHaveLength(1)
    expect(birthDateErrors('1899-12-31', TODAY)).toHaveLength(1)
    expect(birthDateErrors(TODAY, TODAY)).toEqual([])
    expect(parseIsoDate('2023-02-29')).toBeNull()
    expect(parseIsoDate('2024-02-29')).toBe('2024-02-29')
  })

  it('masks like the server', () => {
    expect(maskIdNumber('360103194202281310')).toBe('3601**********1310')
    expect(maskPhone('13812345678')).toBe('138****5678')
    expect(maskIdNumber(null)).toBeUndefined()
    expect(maskPhone('')).toBeUndefined()
  })
})
