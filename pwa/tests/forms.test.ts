// Templates and drafts on the phone: the server's copy when there is no pulled one, the phone's
// copy when there is no network, and drafts that survive a killed tab but not a logout.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { clearDraft, draftHasContent, readDraft, writeDraft } from '../src/forms/draft'
import { exactTemplate, latestTemplate, newestActive } from '../src/forms/templates'
import type { FormTemplate } from '../src/forms/types'
import { removePrefix } from '../src/storage'
import { SCREEN_CACHE_PREFIX } from '../src/stores/auth'
import { installMemoryStorage } from './support/memoryStorage'

const storage = installMemoryStorage()

function template(version: number, active = true): FormTemplate {
  return {
    key: 'household_visit',
    version,
    kind: 'household_visit',
    title: { zh: '入户走访', en: 'Household visit' },
    fields: [{ name: 'visit_date', type: 'date', label: { zh: '走访日期', en: 'Visit date' }, required: true }],
    active,
  }
}

const requests: string[] = []
let answer: (url: string) => Response | Promise<Response>

beforeEach(() => {
  storage.clear()
  requests.length = 0
  globalThis.fetch = async (input: RequestInfo | URL) => {
    requests.push(String(input))
    return answer(String(input))
  }
})

afterEach(() => {
  answer = () => Promise.reject(new TypeError('Failed to fetch'))
})

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } })
}

describe('newestActive', () => {
  it('picks the highest active version of the key', () => {
    const other = { ...template(9), key: 'welfare_visit' }
    expect(
      newestActive([template(1, false), template(3, false), template(2), other, 'junk'], 'household_visit')?.version,
    ).toBe(2)
    expect(newestActive([template(1, false)], 'household_visit')).toBeNull()
  })
})

describe('latestTemplate without a pulled copy', () => {
  it('asks the server when online and keeps a copy for offline', async () => {
    answer = () => json({ forms: [template(1, false), template(2)] })
    expect((await latestTemplate('household_visit', true))?.version).toBe(2)
    expect(requests).toEqual(['/api/v1/forms'])

    answer = () => Promise.reject(new TypeError('Failed to fetch'))
    expect((await latestTemplate('household_visit', true))?.version).toBe(2)
    expect((await latestTemplate('household_visit', false))?.version).toBe(2)
    expect(requests).toHaveLength(2) // offline: not even tried
  })

  it('has nothing to offer on a phone that never saw the form', async () => {
    expect(await latestTemplate('household_visit', false)).toBeNull()
  })

  it('keeps each exact version a queued item may need, and fetches a missing one', async () => {
    answer = (url) => json(url.endsWith('/forms/household_visit/1') ? template(1, false) : {})
    expect((await exactTemplate('household_visit', 1, true))?.version).toBe(1)
    answer = () => Promise.reject(new TypeError('Failed to fetch'))
    expect((await exactTemplate('household_visit', 1, false))?.version).toBe(1)
    // An inactive version never becomes the one offered for new forms.
    expect(await latestTemplate('household_visit', false)).toBeNull()
  })
})

describe('drafts', () => {
  const draft = {
    template: { key: 'household_visit', version: 1 },
    grid_id: 3,
    answers: { visit_date: '2026-11-26', notes: '未完' },
  }

  it('come back for the same worker and template', () => {
    writeDraft(7, 'household_visit', draft)
    expect(readDraft(7, 'household_visit')).toMatchObject(draft)
    expect(readDraft(8, 'household_visit')).toBeNull()
    clearDraft(7, 'household_visit')
    expect(readDraft(7, 'household_visit')).toBeNull()
  })

  it('count only answers the form does not fill in by itself', () => {
    const initial = { visit_date: '2026-11-27' }
    expect(draftHasContent({ ...draft, saved_at: '', answers: { visit_date: '2026-11-20' } }, initial)).toBe(false)
    expect(draftHasContent({ ...draft, saved_at: '', answers: { notes: '', photos: [] } }, initial)).toBe(false)
    expect(draftHasContent({ ...draft, saved_at: '', answers: { anyone_home: false } }, initial)).toBe(true)
  })

  it('go with the per-user screen cache at logout', () => {
    writeDraft(7, 'household_visit', draft)
    removePrefix(SCREEN_CACHE_PREFIX)
    expect(readDraft(7, 'household_visit')).toBeNull()
  })
})
