// What the worker's map draws, from the pulled snapshot alone (no network, no basemap needed):
// the grids' boundaries, buildings coloured by their residents' visits, open cases by their light.
// Pure functions over plain data, so Vitest checks them without a browser.
import { normalizeCase, type Light } from '../cases/caseModel'
import type { RegisterData } from '../register/overlay'
import { visitDueState } from '../register/overlay'
import type { Building, Catalogue, Household } from '../register/types'
import type { Crs, LatLng } from './coords'

export type Position = [number, number] // [lng, lat], GeoJSON order
export interface Geometry {
  type: 'Polygon' | 'MultiPolygon'
  coordinates: Position[][] | Position[][][]
}
/** A grid_boundary entity of the pull (server/maps/service.py boundary_data). */
export interface GridBoundary {
  grid_id: number
  geometry: Geometry
  version?: number
}

/** overdue: someone's visit is late; due: due today; ok: visits scheduled later; none: no one on the list. */
export type VisitState = 'overdue' | 'due' | 'ok' | 'none'

export interface MapBuilding {
  id: string
  name: string
  point: LatLng
  imprecise: boolean
  state: VisitState
  households: Household[]
}

export interface MapCase {
  id: string
  point: LatLng
  light: Light
  label: string
}

export interface TileSource {
  url: string
  attribution: string
  crs: Crs
  max_zoom: number
}

export interface MapModel {
  /** Each grid's rings as [lat, lng] pairs, WGS-84: the view converts for a GCJ-02 basemap. */
  rings: LatLng[][]
  buildings: MapBuilding[]
  /** Buildings with no point yet (listed under the map, set from GPS or a tap). */
  unplaced: Building[]
  cases: MapCase[]
}

const OPEN = new Set(['reported', 'filed', 'dispatched', 'handled', 'checked'])
const STATE_RANK: Record<VisitState, number> = { overdue: 3, due: 2, ok: 1, none: 0 }

/** The polygons of a geometry as rings of points (outer rings and holes alike). */
export function ringsOf(geometry: Geometry): LatLng[][] {
  const polygons = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates) as Position[][][]
  return polygons.flatMap((rings) => rings.map((ring) => ring.map(([lng, lat]) => ({ lat, lng }))))
}

function buildingState(households: readonly Household[], data: RegisterData, today: string, now: number): VisitState {
  let state: VisitState = 'none'
  for (const household of households) {
    for (const resident of data.residentsByHousehold.get(household.id) ?? []) {
      const due = visitDueState(resident, today, now)
      const s: VisitState = due === 'overdue' ? 'overdue' : due === 'today' ? 'due' : due === 'later' ? 'ok' : 'none'
      if (STATE_RANK[s] > STATE_RANK[state]) state = s
    }
  }
  return state
}

function isPoint(value: unknown): value is { lat: number; lng: number; accuracy?: number } {
  const v = value as { lat?: unknown; lng?: unknown } | null
  return typeof v?.lat === 'number' && typeof v?.lng === 'number'
}

export function buildMapModel(
  data: RegisterData,
  boundaries: readonly GridBoundary[],
  rawCases: readonly unknown[],
  today: string,
  now: number = Date.now(),
): MapModel {
  const buildings: MapBuilding[] = []
  const unplaced: Building[] = []
  for (const building of data.buildings.values()) {
    const households = data.householdsByBuilding.get(building.id) ?? []
    if (!building.point) {
      unplaced.push(building)
      continue
    }
    buildings.push({
      id: building.id,
      name: building.name,
      point: { lat: building.point.lat, lng: building.point.lng },
      imprecise: Boolean(building.point.imprecise),
      state: buildingState(households, data, today, now),
      households,
    })
  }
  const cases: MapCase[] = []
  for (const raw of rawCases) {
    const view = normalizeCase(raw, now)
    if (!OPEN.has(view.state)) continue
    const location = (raw as { location?: unknown }).location
    const buildingId = (raw as { building_id?: string }).building_id
    const building = buildingId ? data.buildings.get(buildingId) : undefined
    // Its own fix first; else its building's point; a case with neither has no place on the map.
    const point = isPoint(location) ? location : building?.point
    if (!point) continue
    cases.push({ id: view.id, point: { lat: point.lat, lng: point.lng }, light: view.light, label: view.categoryLabel })
  }
  return { rings: boundaries.flatMap((b) => ringsOf(b.geometry)), buildings, unplaced, cases }
}

/** The operator's tile source from the pulled catalogue (server/maps/sync.py), or none. */
export function tileSourceFrom(catalogues: readonly Catalogue[]): TileSource | null {
  const entry = catalogues.find((c) => c.id === 'map_tiles')
  const first = (entry?.items as unknown as TileSource[] | undefined)?.[0]
  if (!first || typeof first.url !== 'string') return null
  return { ...first, crs: first.crs === 'gcj02' ? 'gcj02' : 'wgs84' }
}
