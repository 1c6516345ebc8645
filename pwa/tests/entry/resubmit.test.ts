// Opening a returned report again: what the form starts with, and what the note tells the worker.
import { describe, expect, it } from 'vitest'
import { loadResubmission } from '../../src/entry/resubmit'
import type { ResubmitSources } from '../../src/entry/resubmit'
import type { FieldSpec } from '../../src/forms/types'
import type { OutboxItem } from '../../src/outbox'

const fields: FieldSpec[] = [
  { name: 'note', type: 'text', label: { zh: '说明', en: 'Note' } },
  { name: 'photos', type: 'photo', label: { zh: '照片', en: 'Photos' } },
]

const returned = {
  id: 's9',
  owner: 'wang',
  kind: 'city_case',
  template: { key: 'city_case', version: 1 },
  payload: { grid_id: 3, answers: { note: '楼道堆物', photos: ['p1', 'p2'] }, building_id: 'b1' },
  photos: ['p1', 'p2'],
  location: { lat: 28.68, lng: 115.89, accuracy: 12 },
  created_at: '2026-12-01T09:00:00.000+08:00',
  status: 'done',
  errors: null,
  error: null,
  server_result: null,
  attempts: 1,
  updated_at: '2026-12-01T09:01:00.000+08:00',
} as OutboxItem

/** An outbox holding `items` and photos `onPhone`; photos added later get the hash `new-<n>`. */
function sources(items: OutboxItem[], onPhone: string[], over: Partial<ResubmitSources> = {}) {
  const added: Blob[] = []
  const from: ResubmitSources = {
    outbox: {
      store: {
        get: async (id) => items.find((i) => i.id === id),
        getPhoto: async (sha) => (onPhone.includes(sha) ? { sha } : undefined),
      },
      addPhoto: async (blob) => {
        added.push(blob)
        return `new-${added.length}`
      },
    },
    owner: 'wang',
    online: true,
    pulledComment: '请写明堆放的是什么物品',
    fetchSubmission: async () => {
      throw new Error('not expected')
    },
    fetchPhoto: async () => null,
    ...over,
  }
  return { from, added }
}

describe('resubmitting a returned report', () => {
  it('starts from the phone copy, offline too, with the supervisor words above it', async () => {
    const { from } = sources([returned], ['p1', 'p2'], { online: false })
    const start = await loadResubmission('s9', fields, from)
    expect(start.answers).toEqual({ note: '楼道堆物', photos: ['p1', 'p2'] })
    expect(start).toMatchObject({ gridId: 3, buildingId: 'b1', location: { lat: 28.68, lng: 115.89 } })
    expect(start.note).toContain('请写明堆放的是什么物品')
  })

  it('fetches the server copy when the phone has none, and queues its photos again', async () => {
    const { from, added } = sources([], [], {
      fetchSubmission: async () => ({
        id: 's9',
        grid_id: 4,
        answers: { note: '楼道堆物', photos: ['p1'] },
        review_comment: '补拍近景',
      }),
      fetchPhoto: async () => new Blob(['jpeg']),
      pulledComment: null,
    })
    const start = await loadResubmission('s9', fields, from)
    expect(start.answers).toEqual({ note: '楼道堆物', photos: ['new-1'] })
    expect(added).toHaveLength(1)
    expect(start.gridId).toBe(4)
    expect(start.note).toContain('补拍近景')
  })

  it('says which photos are lost rather than dropping them silently', async () => {
    const { from } = sources([returned], ['p1'])
    const start = await loadResubmission('s9', fields, from)
    expect(start.answers?.photos).toEqual(['p1'])
    expect(start.note).toContain('照片已取不回')
  })

  it('offline without the phone copy: no answers, and the note says to go online', async () => {
    const other = { ...returned, owner: 'li' } as OutboxItem
    const { from } = sources([other], ['p1', 'p2'], { online: false, pulledComment: null })
    const start = await loadResubmission('s9', fields, from)
    expect(start.answers).toBeNull()
    expect(start.note).toContain('联网后再打开')
  })
})
