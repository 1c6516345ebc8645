// Which single-answer questions become big buttons, laid out how, and the catalogue icons.

export interface SegmentOption {
  value: string | boolean
  text: string
  icon?: string
}

export type SegmentLayout = 'row' | 'stack' | 'grid'

// Scales of up to three (正常 / 需关注 / 有问题，需帮助) fit a row on a 360 px phone, a long label
// wrapping inside its button; four short answers make a 2×2 grid; catalogues a grid; the rest stack.
const ROW_MAX_OPTIONS = 3
const ROW_MAX_CHARS = 7
const SQUARE_MAX_CHARS = 6
const GRID_MIN_OPTIONS = 6

// The hazard catalogue's twelve focus areas (server/cases/catalogue.py), as Vant icons.
const CATEGORY_ICONS: Record<string, string> = {
  residential: 'wap-home-o',
  crowded: 'friends-o',
  highrise: 'hotel-o',
  electrical: 'bulb-o',
  old_housing: 'home-o',
  three_in_one: 'shop-o',
  group_rental: 'cluster-o',
  ebike: 'fire-o',
  dangerous_house: 'warning-o',
  demolition: 'brush-o',
  major_fire_unit: 'fire-o',
  key_fire_unit: 'flag-o',
}

/** The layout for a select_one of these options; null keeps the list of radios. */
export function segmentLayout(options: SegmentOption[]): SegmentLayout | null {
  if (options.length < 2) return null
  if (options.length >= GRID_MIN_OPTIONS) return 'grid'
  const longest = Math.max(...options.map((o) => [...o.text].length))
  if (options.length <= ROW_MAX_OPTIONS && longest <= ROW_MAX_CHARS) return 'row'
  if (options.length === 4 && longest <= SQUARE_MAX_CHARS) return 'grid'
  return 'stack'
}

/** The options with their icons, where the catalogue has one. */
export function withIcons(options: SegmentOption[]): SegmentOption[] {
  return options.map((o) =>
    typeof o.value === 'string' && CATEGORY_ICONS[o.value] ? { ...o, icon: CATEGORY_ICONS[o.value] } : o,
  )
}
