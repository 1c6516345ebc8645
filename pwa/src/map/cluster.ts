// Case points clustered for the desk's 一张图 (supercluster: a few KB, clusters 5,000 points in
// milliseconds) and drawn on Leaflet's canvas: a cluster is a disc sized by its count in the
// colour of its worst light, a single case a small disc in its own light.
import L from 'leaflet'
import Supercluster, { type ClusterProperties } from 'supercluster'

export type Light = 'red' | 'yellow' | 'green' | 'none'
export interface CasePoint {
  id: string
  lat: number
  lng: number
  light: Light
  category: string
}
interface Props {
  id: string
  light: Light
}
interface ClusterProps {
  worst: number
}

export const LIGHT_COLORS: Record<Light, string> = {
  red: '#b3261e',
  yellow: '#f5c400',
  green: '#3fbf6f',
  none: '#5b6170',
}
const RANK: Record<Light, number> = { none: 0, green: 1, yellow: 2, red: 3 }
const BY_RANK: Light[] = ['none', 'green', 'yellow', 'red']

export type CaseIndex = Supercluster<Props, ClusterProps>

export function clusterIndex(points: readonly CasePoint[]): CaseIndex {
  const index = new Supercluster<Props, ClusterProps>({
    radius: 60,
    maxZoom: 17,
    map: (p) => ({ worst: RANK[p.light] }),
    reduce: (acc, p) => {
      acc.worst = Math.max(acc.worst, p.worst)
    },
  })
  index.load(
    points.map((p) => ({
      type: 'Feature' as const,
      geometry: { type: 'Point' as const, coordinates: [p.lng, p.lat] },
      properties: { id: p.id, light: p.light },
    })),
  )
  return index
}

interface Drawn {
  x: number
  y: number
  r: number
  id: string | null
  clusterId: number | null
  lat: number
  lng: number
}

/**
 * The clusters and single cases of the view on one canvas of their own, counts included: one
 * pass of arcs and text. Leaflet objects with a tooltip each cost a DOM node per marker, which
 * a throttled CPU cannot redraw for thousands within a second. Redrawn after each move or zoom;
 * a tap opens the case under it or zooms into the cluster.
 */
export class ClusterLayer extends L.Layer {
  private canvas: HTMLCanvasElement | null = null
  private drawn: Drawn[] = []
  private index: CaseIndex
  private readonly onCase: (id: string) => void

  constructor(index: CaseIndex, onCase: (id: string) => void) {
    super()
    this.index = index
    this.onCase = onCase
  }

  setIndex(index: CaseIndex): void {
    this.index = index
    this.redraw()
  }

  /** How many clusters and single cases the view shows. */
  get count(): number {
    return this.drawn.length
  }

  override onAdd(map: L.Map): this {
    this.canvas = L.DomUtil.create('canvas', 'gw-cluster-canvas') as HTMLCanvasElement
    this.canvas.style.position = 'absolute'
    this.canvas.style.pointerEvents = 'none'
    map.getPanes().overlayPane.appendChild(this.canvas)
    map.on('moveend', this.redraw, this)
    map.on('zoomstart', this.hide, this)
    map.on('click', this.tap, this)
    this.redraw()
    return this
  }

  override onRemove(map: L.Map): this {
    map.off('moveend', this.redraw, this)
    map.off('zoomstart', this.hide, this)
    map.off('click', this.tap, this)
    this.canvas?.remove()
    this.canvas = null
    return this
  }

  private hide(): void {
    if (this.canvas) this.canvas.style.visibility = 'hidden'
  }

  redraw(): void {
    const map = this._map as L.Map | undefined
    const canvas = this.canvas
    if (!map || !canvas) return
    const size = map.getSize()
    const ratio = window.devicePixelRatio || 1
    canvas.width = size.x * ratio
    canvas.height = size.y * ratio
    canvas.style.width = `${size.x}px`
    canvas.style.height = `${size.y}px`
    L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]))
    canvas.style.visibility = 'visible'
    const ctx = canvas.getContext('2d')
    if (!ctx) return
    ctx.scale(ratio, ratio)
    const b = map.getBounds()
    const features = this.index.getClusters(
      [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
      Math.round(map.getZoom()),
    )
    this.drawn = []
    ctx.textAlign = 'center'
    ctx.textBaseline = 'middle'
    ctx.font = '600 12px sans-serif'
    for (const f of features) {
      const [lng, lat] = f.geometry.coordinates
      const props = f.properties as Partial<ClusterProperties & ClusterProps> & Partial<Props>
      const p = map.latLngToContainerPoint([lat, lng])
      const cluster = Boolean(props.cluster)
      const count = props.point_count ?? 1
      const light = cluster ? BY_RANK[props.worst ?? 0] : (props.light ?? 'none')
      const r = cluster ? 10 + Math.min(18, Math.log2(count) * 3) : 6
      ctx.beginPath()
      ctx.arc(p.x, p.y, r, 0, Math.PI * 2)
      ctx.fillStyle = LIGHT_COLORS[light]
      ctx.fill()
      ctx.lineWidth = cluster ? 2 : 1
      ctx.strokeStyle = cluster ? '#ffffff' : '#222222'
      ctx.stroke()
      if (cluster) {
        ctx.fillStyle = light === 'yellow' ? '#222222' : '#ffffff'
        ctx.fillText(String(count), p.x, p.y)
      }
      this.drawn.push({
        x: p.x,
        y: p.y,
        r,
        id: cluster ? null : (props.id ?? null),
        clusterId: cluster ? (props.cluster_id ?? null) : null,
        lat,
        lng,
      })
    }
  }

  private tap(event: L.LeafletMouseEvent): void {
    const map = this._map as L.Map | undefined
    if (!map) return
    const { x, y } = event.containerPoint
    const hit = this.drawn.find((d) => (d.x - x) ** 2 + (d.y - y) ** 2 <= (d.r + 4) ** 2)
    if (!hit) return
    if (hit.id) this.onCase(hit.id)
    else if (hit.clusterId !== null) map.setView([hit.lat, hit.lng], this.index.getClusterExpansionZoom(hit.clusterId))
  }
}
