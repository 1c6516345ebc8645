// The dictionaries stay complete and the locale switch drives t() and Accept-Language.
import { afterEach, describe, expect, it } from 'vitest'
import { acceptLanguage, dictionaries, locale, setLocale, t } from '../src/i18n'

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
}

describe('i18n', () => {
  afterEach(() => setLocale('zh-CN'))

  it('defaults to zh-CN', () => {
    expect(locale.value).toBe('zh-CN')
    expect(t('tab.home')).toBe('首页')
    expect(t('app.offline')).toBe('离线模式：记录会保存在手机上，联网后自动同步')
  })

  it('has every key in both languages, non-empty, with the same placeholders', () => {
    const zh = dictionaries['zh-CN']
    const en = dictionaries.en
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort())
    for (const key of Object.keys(zh) as (keyof typeof zh)[]) {
      expect(en[key].trim(), key).not.toBe('')
      expect(placeholders(en[key]), key).toEqual(placeholders(zh[key]))
    }
  })

  it('switches to English and back', () => {
    setLocale('en')
    expect(t('tab.me')).toBe('Me')
    expect(acceptLanguage()).toBe('en')
    setLocale('zh-CN')
    expect(t('tab.me')).toBe('我的')
    expect(acceptLanguage()).toBe('zh-CN')
  })

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(t('home.hello', { name: '李娜' })).toBe('你好，李娜')
    expect(t('home.hello')).toBe('你好，{name}')
  })
})
