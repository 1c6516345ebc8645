// The field-work screens' words: complete in both languages, reachable through t() once loaded.
import { afterEach, describe, expect, it } from 'vitest'
import { setLocale, t } from '../../src/i18n'
import { fieldWorkEn, fieldWorkZh } from '../../src/register/messages'

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
}

describe('field-work words', () => {
  afterEach(() => setLocale('zh-CN'))

  it('has every key in both languages, non-empty, with the same placeholders', () => {
    expect(Object.keys(fieldWorkEn).sort()).toEqual(Object.keys(fieldWorkZh).sort())
    for (const key of Object.keys(fieldWorkZh) as (keyof typeof fieldWorkZh)[]) {
      expect(fieldWorkEn[key].trim(), key).not.toBe('')
      expect(placeholders(fieldWorkEn[key]), key).toEqual(placeholders(fieldWorkZh[key]))
    }
  })

  it('is served by t() in the chosen language, zh-CN first', () => {
    expect(t('conflict.keepMine')).toBe('保留我的')
    expect(t('conflict.takeServer')).toBe('采用服务器的')
    expect(t('roster.addHousehold')).toBe('新增住户')
    expect(t('household.addResident')).toBe('新增居民')
    expect(t('due.overdue', { n: 3 })).toBe('逾期 3 天')
    setLocale('en')
    expect(t('conflict.keepMine')).toBe('Keep mine')
    expect(t('tab.roster')).toBe('Households')
  })
})
