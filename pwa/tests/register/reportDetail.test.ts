// A report opened from 我的上报: its answers in the template's words, its photos and place.
import { describe, expect, it } from 'vitest'
import type { FormTemplate } from '../../src/forms/types'
import { answerLines, copyFromItem, photosOf, reportFromServer } from '../../src/register/reportDetail'

const HAZARD: FormTemplate = {
  key: 'hazard_inspection',
  version: 1,
  kind: 'hazard_report',
  title: { zh: '安全隐患排查', en: 'Hazard inspection' },
  fields: [
    {
      name: 'category',
      type: 'select_one',
      label: { zh: '隐患类别', en: 'Category' },
      choices: [
        { value: 'ebike', label: { zh: '电动车火灾', en: 'E-bike fire' } },
        { value: 'residential', label: { zh: '住宅小区', en: 'Residential' } },
      ],
    },
    { name: 'immediate_danger', type: 'yes_no', label: { zh: '是否存在现实危险', en: 'Immediate danger' } },
    { name: 'description', type: 'textarea', label: { zh: '隐患描述', en: 'Description' } },
    { name: 'scene_photos', type: 'photo', label: { zh: '现场照片', en: 'Photos' } },
    { name: 'address', type: 'text', label: { zh: '地点', en: 'Address' } },
  ],
}
const WORDS = { yes: '是', no: '否' }

describe('a report opened from 我的上报', () => {
  it('says its answers in the template order and words, never a code, photos left to the pictures', () => {
    const answers = {
      description: '楼道内电动车充电',
      category: 'ebike',
      immediate_danger: false,
      scene_photos: ['a'.repeat(64)],
      address: '',
    }
    expect(answerLines(HAZARD, answers, 'zh', WORDS)).toEqual([
      { name: 'category', label: '隐患类别', text: '电动车火灾' },
      { name: 'immediate_danger', label: '是否存在现实危险', text: '否' },
      { name: 'description', label: '隐患描述', text: '楼道内电动车充电' },
    ])
    expect(answerLines(HAZARD, answers, 'en', { yes: 'Yes', no: 'No' })[0]).toEqual({
      name: 'category',
      label: 'Category',
      text: 'E-bike fire',
    })
  })

  it('falls back to the answer names when the template version is not on the phone', () => {
    expect(answerLines(undefined, { description: '漏水', scene_photos: ['x'] }, 'zh', WORDS)).toEqual([
      { name: 'description', label: 'description', text: '漏水' },
    ])
  })

  it('reads the phone copy of a queued report: answers, photos and the GPS fix', () => {
    const sha = 'b'.repeat(64)
    const copy = copyFromItem({
      id: 'r1',
      kind: 'hazard_report',
      status: 'done',
      created_at: '2026-12-05T08:00:00+08:00',
      template: { key: 'hazard_inspection', version: 1 },
      payload: { answers: { category: 'ebike', scene_photos: [sha] }, building_id: 'bld-1' },
      photos: [sha],
      location: { lat: 28.6772, lng: 115.8921, accuracy: 12 },
    })
    expect(copy).toEqual({
      answers: { category: 'ebike', scene_photos: [sha] },
      photos: [sha],
      location: { lat: 28.6772, lng: 115.8921, accuracy: 12 },
      buildingId: 'bld-1',
    })
    expect(photosOf(HAZARD, copy!)).toEqual([sha])
    expect(
      copyFromItem({ id: 'x', kind: 'household_upsert', status: 'done', created_at: '', payload: { record: {} } }),
    ).toBeNull()
  })

  it("reads the server's copy with the case it opened", () => {
    const report = reportFromServer({
      id: 'r2',
      kind: 'hazard_report',
      template: { key: 'hazard_inspection', version: 1 },
      created_at: '2026-12-05T08:00:00+08:00',
      answers: { category: 'residential' },
      photos: ['c'.repeat(64)],
      location: null,
      review_status: 'received',
      review_comment: null,
      case_id: 'case-1',
      case_state: 'filed',
    })
    expect(report).toMatchObject({
      id: 'r2',
      template: { key: 'hazard_inspection', version: 1 },
      caseId: 'case-1',
      caseState: 'filed',
      reviewStatus: 'received',
      location: null,
      photos: ['c'.repeat(64)],
    })
    expect(reportFromServer({ error: 'not_found' })).toBeNull()
  })
})
