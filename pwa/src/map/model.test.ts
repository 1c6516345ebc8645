// The worker's map model: buildings coloured by their residents' visits, open cases placed by
// their fix or their building, boundaries as rings, and the operator's tile source.
import { describe, expect, it } from 'vitest'
import { intervalsFrom, tierRulesFrom } from '../register/care'
import { overlayRegister } from '../register/overlay'
import type { Building, Household, Resident } from '../register/types'
import { buildMapModel, tileSourceFrom } from './model'

const TODAY = '2026-12-04'
const NOW = Date.parse('2026-12-04T04:00:00Z')

function building(id: string, point?: Building['point']): Building {
  return { id, grid_id: 1, name: `楼${id}`, point }
}
function household(id: string, buildingId: string): Household {
  return { id, building_id: buildingId, grid_id: 1, head_name: `户主${id}` }
}
function resident(id: string, householdId: string, due: string): Resident {
  return {
    id,
    household_id: householdId,
    grid_id: 1,
    name: id,
    gender: 'female',
    birth_date: '1940-01-01',
    care_tier: 'high',
    next_visit_due: due,
  }
}

function data() {
  const replica = {
    buildings: [
      building('a', { lat: 28.68, lng: 115.85, accuracy: 8, source: 'gps' }),
      building('b', { lat: 28.681, lng: 115.851, accuracy: 2000, imprecise: true }),
      building('c', { lat: 28.682, lng: 115.852 }),
      building('d'),
    ],
    households: [household('h1', 'a'), household('h2', 'a'), household('h3', 'b'), household('h4', 'c')],
    residents: [
      resident('r1', 'h1', '2026-12-10'),
      resident('r2', 'h2', '2026-12-01'), // overdue: the building is overdue
      resident('r3', 'h3', TODAY),
    ],
  }
  return overlayRegister(replica, [], {
    today: TODAY,
    intervals: intervalsFrom([]),
    rules: tierRulesFrom([]),
    lastPullAt: null,
  })
}

describe('buildMapModel', () => {
  it('colours buildings by the worst visit state and lists the unplaced ones', () => {
    const model = buildMapModel(data(), [], [], TODAY, NOW)
    const states = Object.fromEntries(model.buildings.map((b) => [b.id, b.state]))
    expect(states).toEqual({ a: 'overdue', b: 'due', c: 'none' })
    expect(model.buildings.find((b) => b.id === 'b')?.imprecise).toBe(true)
    expect(model.buildings.find((b) => b.id === 'a')?.households.map((h) => h.id)).toEqual(['h1', 'h2'])
    expect(model.unplaced.map((b) => b.id)).toEqual(['d'])
  })

  it('places open cases by their fix, else their building; closed ones and placeless ones are left out', () => {
    const cases = [
      { id: 'c1', state: 'dispatched', category: 'fire', location: { lat: 28.6801, lng: 115.8501 }, overdue: true },
      { id: 'c2', state: 'reported', category: 'fire', building_id: 'c' },
      { id: 'c3', state: 'closed', category: 'fire', location: { lat: 28.68, lng: 115.85 } },
      { id: 'c4', state: 'filed', category: 'fire' },
    ]
    const model = buildMapModel(data(), [], cases, TODAY, NOW)
    expect(model.cases.map((c) => [c.id, c.point, c.light])).toEqual([
      ['c1', { lat: 28.6801, lng: 115.8501 }, 'red'],
      ['c2', { lat: 28.682, lng: 115.852 }, 'none'],
    ])
  })

  it('reads boundaries as rings of points, holes and multipolygons included', () => {
    const square: [number, number][] = [
      [115.85, 28.68],
      [115.86, 28.68],
      [115.86, 28.69],
      [115.85, 28.68],
    ]
    const model = buildMapModel(
      data(),
      [
        { grid_id: 1, geometry: { type: 'Polygon', coordinates: [square] } },
        { grid_id: 2, geometry: { type: 'MultiPolygon', coordinates: [[square], [square, square]] } },
      ],
      [],
      TODAY,
      NOW,
    )
    expect(model.rings).toHaveLength(4)
    expect(model.rings[0][1]).toEqual({ lat: 28.68, lng: 115.86 })
  })

  it('takes the tile source from the catalogue, or none', () => {
    expect(tileSourceFrom([])).toBeNull()
    const items = [{ url: 'https://t/{z}/{x}/{y}.png', attribution: '天地图', crs: 'gcj02', max_zoom: 18 }]
    expect(tileSourceFrom([{ id: 'map_tiles', items: items as never }])?.crs).toBe('gcj02')
    expect(tileSourceFrom([{ id: 'map_tiles', items: [] }])).toBeNull()
  })
})
