// The desk map's first draw (bench/desk_map.py): N case points over a street (about 4 × 3 km),
// clustered by the app's own module (src/map/cluster.ts) and drawn on Leaflet's canvas, timed
// from the points in hand to the first painted frame. ?points=5000&seed=1
import L from 'leaflet'
import '../src/map/leaflet.css'
import { ClusterLayer, clusterIndex, type CasePoint, type Light } from '../src/map/cluster'

declare global {
  interface Window {
    deskMapBench?: { ms: number; indexMs: number; drawn: number; points: number }
  }
}

const params = new URLSearchParams(location.search)
const count = Number(params.get('points') ?? 5000)
let seed = Number(params.get('seed') ?? 1)
function random(): number {
  // mulberry32: the same points every run
  seed |= 0
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const LIGHTS: Light[] = ['green', 'green', 'green', 'yellow', 'red', 'none']
const points: CasePoint[] = Array.from({ length: count }, (_, i) => ({
  id: String(i),
  lat: 28.66 + random() * 0.03,
  lng: 115.84 + random() * 0.04,
  light: LIGHTS[Math.floor(random() * LIGHTS.length)],
  category: 'ebike',
}))

const start = performance.now()
const index = clusterIndex(points)
const indexed = performance.now()
const renderer = L.canvas({ padding: 0.2 })
const map = L.map('map', { renderer, zoomSnap: 0.5, attributionControl: false })
map.fitBounds(L.latLngBounds(points.map((p) => [p.lat, p.lng] as L.LatLngTuple)), { animate: false })
const layer = new ClusterLayer(index, () => undefined).addTo(map)
const drawn = layer.count
requestAnimationFrame(() =>
  requestAnimationFrame(() => {
    window.deskMapBench = { ms: performance.now() - start, indexMs: indexed - start, drawn, points: count }
  }),
)
