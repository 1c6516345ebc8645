// Form kinds come from the pulled catalogue; the phone's photo count check says what the server says.
import { describe, expect, it } from 'vitest'
import { formKindsFrom, photoCountProblem } from '../../src/register/kinds'
import { formKindsFixture, serverKind, serverKinds } from '../support/formKinds'

describe('form kinds from the pulled catalogue', () => {
  it('reads every kind the server describes, and none before the catalogue is pulled', () => {
    expect([...serverKinds.keys()]).toEqual(['household_visit', 'welfare_visit', 'hazard_report', 'city_case'])
    expect(serverKind('hazard_report')).toMatchObject({
      opens_case: true,
      case_kind: 'hazard',
      min_photos: 1,
      max_photos: 9,
      review: 'case',
      template_key: 'hazard_inspection',
    })
    expect(serverKind('welfare_visit')).toMatchObject({ opens_case: false, review: 'submission', max_photos: null })
    expect(formKindsFrom([{ id: 'resident_tags', items: [] }])).toBeNull()
  })

  it('takes a kind the app has never heard of, and skips an entry it cannot read', () => {
    const noise = {
      code: 'noise_check',
      label: { zh: '噪声巡查', en: 'Noise check' },
      payload_keys: ['grid_id', 'answers'],
      link_keys: ['resubmits', 'task_id'],
      opens_case: false,
      case_kind: null,
      min_photos: 1,
      max_photos: 2,
      review: 'submission',
      template_key: 'noise_check',
    }
    const broken = { ...noise, code: 'broken', min_photos: 'one' }
    const kinds = formKindsFrom([{ id: 'form_kinds', items: [noise, broken] as never[] }])!
    expect([...kinds.keys()]).toEqual(['noise_check'])
    expect(photoCountProblem(kinds.get('noise_check')!, 3, 'zh')).toBe('噪声巡查：需要 1–2 张照片（现有 3 张）')
  })
})

describe('photo count', () => {
  it('gives the server’s verdict for every kind and 0–11 photos, in both languages', () => {
    expect(formKindsFixture.photo_counts.length).toBeGreaterThanOrEqual(48)
    for (const verdict of formKindsFixture.photo_counts) {
      const kind = serverKind(verdict.kind)
      expect([verdict.kind, verdict.count, photoCountProblem(kind, verdict.count, 'zh')]).toEqual([
        verdict.kind,
        verdict.count,
        verdict.zh,
      ])
      expect(photoCountProblem(kind, verdict.count, 'en')).toBe(verdict.en)
    }
  })

  it('refuses a report with no photo or ten, and lets a visit have none', () => {
    expect(photoCountProblem(serverKind('hazard_report'), 0, 'zh')).toBe('安全隐患排查：需要 1–9 张照片（现有 0 张）')
    expect(photoCountProblem(serverKind('city_case'), 10, 'en')).toBe(
      'A city management case takes 1–9 photos (this one has 10)',
    )
    expect(photoCountProblem(serverKind('city_case'), 9, 'zh')).toBeNull()
    expect(photoCountProblem(serverKind('household_visit'), 0, 'zh')).toBeNull()
  })
})
