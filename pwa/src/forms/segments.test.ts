import { describe, expect, it } from 'vitest'
import { segmentLayout, withIcons } from './segments'

const opts = (...texts: string[]) => texts.map((text, i) => ({ value: `v${i}`, text }))

describe('segmentLayout', () => {
  it('puts a scale of three in one row', () => {
    expect(segmentLayout(opts('正常', '需关注', '有问题，需帮助'))).toBe('row')
  })
  it('makes four short answers a square and stacks what would not fit a 360 px phone', () => {
    expect(segmentLayout(opts('上门探访', '电话', '视频', '未联系上'))).toBe('grid')
    expect(segmentLayout(opts('正常', '需关注', '有问题，需要社区帮助'))).toBe('stack')
    expect(segmentLayout(opts('医疗机构/家庭医生', '养老服务中心', '民政救助', '残联', '其他'))).toBe('stack')
  })
  it('makes a grid of a catalogue and keeps a lone answer as it is', () => {
    expect(segmentLayout(opts('a', 'b', 'c', 'd', 'e', 'f'))).toBe('grid')
    expect(segmentLayout(opts('only'))).toBeNull()
  })
})

describe('withIcons', () => {
  it('gives the hazard focus areas their icons and leaves other answers bare', () => {
    const [ebike, other] = withIcons([
      { value: 'ebike', text: '电动车火灾' },
      { value: 'x', text: '其他' },
    ])
    expect(ebike?.icon).toBe('fire-o')
    expect(other?.icon).toBeUndefined()
  })
})
