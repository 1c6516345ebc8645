// WGS-84 ⇄ GCJ-02 against published reference points; tests/unit/test_coords.py holds the
// server's copy to the same ones. Sources (public repositories):
// - wandergis/coordtransform README.md, test/app.js at 606c6f3b: wgs84togcj02(116.404, 39.915)
//   = [116.41024449916938, 39.91640428150164]; its gcj02towgs84 is a one-step approximation.
// - hujiulong/gcoord test/fixtures/china-cities.json at fa43556e: WGS84/GCJ02 city pairs.
import { describe, expect, it } from 'vitest'
import { distanceM, fromBasemap, gcj02ToWgs84, toBasemap, wgs84ToGcj02, type LatLng } from './coords'

const CITIES: [string, [number, number], [number, number]][] = [
  ['驻马店市', [114.0164322, 33.0133556], [114.022306, 33.0115324]],
  ['拉萨市', [91.1706414, 29.655277], [91.1721167, 29.6524954]],
  ['三亚市', [109.507813, 18.2545417], [109.5119135, 18.2528524]],
  ['乌鲁木齐市', [87.6140048, 43.824388], [87.6168579, 43.8255962]],
  ['哈尔滨市', [126.528903, 45.8017783], [126.5349726, 45.8037804]],
  ['杭州市', [120.1503589, 30.2764043], [120.1550722, 30.274088]],
]
const pt = ([lng, lat]: [number, number]): LatLng => ({ lat, lng })

describe('coords', () => {
  it('matches coordtransform forward to the last digit', () => {
    const g = wgs84ToGcj02({ lng: 116.404, lat: 39.915 })
    expect(g.lng).toBeCloseTo(116.41024449916938, 12)
    expect(g.lat).toBeCloseTo(39.91640428150164, 12)
    const w = gcj02ToWgs84({ lng: 116.404, lat: 39.915 })
    expect(distanceM(w, { lng: 116.39775550083061, lat: 39.91359571849836 })).toBeLessThan(0.2)
  })

  it.each(CITIES)('%s both ways within a metre of gcoord, round trip under 0.5 m', (_, wgs, gcj) => {
    expect(distanceM(wgs84ToGcj02(pt(wgs)), pt(gcj))).toBeLessThan(1)
    expect(distanceM(gcj02ToWgs84(pt(gcj)), pt(wgs))).toBeLessThan(1)
    expect(distanceM(gcj02ToWgs84(wgs84ToGcj02(pt(wgs))), pt(wgs))).toBeLessThan(0.5)
    expect(distanceM(wgs84ToGcj02(gcj02ToWgs84(pt(gcj))), pt(gcj))).toBeLessThan(0.5)
  })

  it('converts only at the basemap boundary: a tap saved and drawn again lands on itself', () => {
    // The worker taps a GCJ-02 basemap; the app stores WGS-84, then draws it on the same basemap.
    const tap = { lng: 120.1550722, lat: 30.274088 }
    const stored = fromBasemap(tap, 'gcj02')
    expect(distanceM(stored, tap)).toBeGreaterThan(100) // the stored point is truly WGS-84
    const drawn = toBasemap(stored, 'gcj02')
    expect(distanceM(drawn, tap)).toBeLessThan(0.5)
    // Converting twice is what this guards against: it would move the point another ~500 m.
    expect(distanceM(toBasemap(drawn, 'gcj02'), tap)).toBeGreaterThan(100)
    // A WGS-84 basemap touches nothing.
    expect(fromBasemap(tap, 'wgs84')).toEqual(tap)
    expect(toBasemap(tap, 'wgs84')).toEqual(tap)
  })

  it('leaves points outside China alone', () => {
    expect(wgs84ToGcj02({ lng: 2.35, lat: 48.85 })).toEqual({ lng: 2.35, lat: 48.85 })
  })
})
