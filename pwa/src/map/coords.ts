// WGS-84 ⇄ GCJ-02, the same code as server/coords.py. Everything the app stores and pulls is
// WGS-84; only the basemap boundary converts: drawing on a GCJ-02 basemap (AMap, Tencent) and
// reading a tap on one. So no point is ever converted twice.

export type Crs = 'wgs84' | 'gcj02'
export interface LatLng {
  lat: number
  lng: number
}

const A = 6378245
const EE = 0.006693421622965823
const EARTH_RADIUS_M = 6371008.8

// gcoord's rough box around China: outside it GCJ-02 equals WGS-84.
export function inChina(lng: number, lat: number): boolean {
  return lng >= 72.004 && lng <= 137.8347 && lat >= 0.8293 && lat <= 55.8271
}

function transformLat(x: number, y: number): number {
  let ret = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x))
  ret += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3
  ret += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3
  ret += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3
  return ret
}

function transformLng(x: number, y: number): number {
  let ret = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x))
  ret += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3
  ret += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3
  ret += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3
  return ret
}

export function wgs84ToGcj02(p: LatLng): LatLng {
  if (!inChina(p.lng, p.lat)) return { lat: p.lat, lng: p.lng }
  let dLng = transformLng(p.lng - 105, p.lat - 35)
  let dLat = transformLat(p.lng - 105, p.lat - 35)
  const radLat = (p.lat / 180) * Math.PI
  const magic = 1 - EE * Math.sin(radLat) ** 2
  const sqrtMagic = Math.sqrt(magic)
  dLng = (dLng * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI)
  dLat = (dLat * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI)
  return { lat: p.lat + dLat, lng: p.lng + dLng }
}

// No closed form: iterate until the forward transform lands within 1e-9° (≈ 0.1 mm).
export function gcj02ToWgs84(p: LatLng): LatLng {
  if (!inChina(p.lng, p.lat)) return { lat: p.lat, lng: p.lng }
  let lat = p.lat
  let lng = p.lng
  for (let i = 0; i < 30; i++) {
    const g = wgs84ToGcj02({ lat, lng })
    const dLat = g.lat - p.lat
    const dLng = g.lng - p.lng
    if (Math.abs(dLat) < 1e-9 && Math.abs(dLng) < 1e-9) break
    lat -= dLat
    lng -= dLng
  }
  return { lat, lng }
}

// The basemap boundary: stored WGS-84 → where the basemap draws it, and a tap back.
export function toBasemap(p: LatLng, crs: Crs): LatLng {
  return crs === 'gcj02' ? wgs84ToGcj02(p) : p
}
export function fromBasemap(p: LatLng, crs: Crs): LatLng {
  return crs === 'gcj02' ? gcj02ToWgs84(p) : p
}

export function distanceM(a: LatLng, b: LatLng): number {
  const p1 = (a.lat * Math.PI) / 180
  const p2 = (b.lat * Math.PI) / 180
  const dp = p2 - p1
  const dl = ((b.lng - a.lng) * Math.PI) / 180
  const h = Math.sin(dp / 2) ** 2 + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) ** 2
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)))
}
