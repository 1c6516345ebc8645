// KPI answers read into figures the dashboard shows: a ratio with its numerator, denominator,
// definition and the cases it counts. Tolerant of the server's exact nesting.

export interface KpiFigure {
  code: string
  label: string
  numerator: number
  denominator: number
  /** 0..1, or null when nothing was due (no denominator). */
  rate: number | null
  definition: string
  /** Cases the denominator counts (a rework's extra dispatch steps folded into their case). */
  caseIds: string[]
  /** Cases the numerator counts. */
  numeratorIds: string[]
}

export interface TrendPoint {
  month: string
  figures: KpiFigure[]
}

/** The six KPIs (server codes) in the order the street reads them (GB/T 30428 practice + 整改率). */
export const KPI_ORDER = [
  'on_time_handling_rate',
  'closing_rate',
  'on_time_closing_rate',
  'rework_rate',
  'valid_report_rate',
  'rectification_rate',
]

/** Names for the codes when the answer carries none. */
export const KPI_LABELS: Record<string, { zh: string; en: string }> = {
  on_time_handling_rate: { zh: '按期处置率', en: 'Handled on time' },
  closing_rate: { zh: '结案率', en: 'Closing rate' },
  on_time_closing_rate: { zh: '按期结案率', en: 'Closed on time' },
  rework_rate: { zh: '返工率', en: 'Rework rate' },
  valid_report_rate: { zh: '有效上报率', en: 'Valid report rate' },
  rectification_rate: { zh: '整改率', en: 'Rectification rate' },
  visit_rate: { zh: '关爱巡访率', en: 'Welfare visit rate' },
}

type Loose = Record<string, unknown>
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v)
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : Number(v) || 0)

function text(v: unknown, lang: 'zh' | 'en'): string {
  if (typeof v === 'string') return v
  if (isObject(v)) return String(v[lang] ?? v.zh ?? v.en ?? '')
  return ''
}

/** Case ids, "<case>#2" (a second dispatch step) folded into its case, each once. */
export function caseIdsOf(raw: unknown): string[] {
  if (!Array.isArray(raw)) return []
  const ids = raw.map((c) => (isObject(c) ? String(c.id ?? '') : String(c)).split('#')[0]).filter(Boolean)
  return [...new Set(ids)]
}

export function normalizeFigure(raw: unknown, code = '', lang: 'zh' | 'en' = 'zh'): KpiFigure {
  const f: Loose = isObject(raw) ? raw : {}
  const numerator = num(f.numerator)
  const denominator = num(f.denominator)
  const given = f.rate
  const rate =
    typeof given === 'number' && Number.isFinite(given)
      ? given > 1.0001
        ? given / 100
        : given
      : denominator > 0
        ? numerator / denominator
        : null
  const theCode = String(f.code ?? code)
  return {
    code: theCode,
    label: text(f.label ?? f.name ?? f.title, lang) || KPI_LABELS[theCode]?.[lang] || theCode,
    numerator,
    denominator,
    rate: denominator > 0 || typeof given === 'number' ? rate : null,
    definition: text(f.definition, lang),
    caseIds: caseIdsOf(f.denominator_case_ids ?? f.case_ids ?? f.cases),
    numeratorIds: caseIdsOf(f.numerator_case_ids),
  }
}

/** Figures from {figures|kpis: [...]} or {figures|kpis: {code: {...}}}, in KPI_ORDER. */
export function figuresOf(raw: unknown, lang: 'zh' | 'en' = 'zh'): KpiFigure[] {
  const root: Loose = isObject(raw) ? raw : { figures: raw }
  const holder = root.figures ?? root.kpis ?? root.items ?? root
  let list: KpiFigure[] = []
  if (Array.isArray(holder)) list = holder.map((f) => normalizeFigure(f, '', lang))
  else if (isObject(holder))
    list = Object.entries(holder)
      .filter(([, v]) => isObject(v) && ('numerator' in v || 'rate' in v))
      .map(([code, v]) => normalizeFigure(v, code, lang))
  const rank = (code: string) => {
    const i = KPI_ORDER.indexOf(code)
    return i < 0 ? KPI_ORDER.length : i
  }
  return list.filter((f) => f.code).sort((a, b) => rank(a.code) - rank(b.code))
}

/** The trend answer: [{month, figures}] or {months: [...]} or {trend: [...]}. */
export function trendOf(raw: unknown, lang: 'zh' | 'en' = 'zh'): TrendPoint[] {
  const root = isObject(raw) ? (raw.months ?? raw.trend ?? raw.items ?? []) : raw
  if (!Array.isArray(root)) return []
  return root
    .filter(isObject)
    .map((p) => ({ month: String(p.month ?? ''), figures: figuresOf(p, lang) }))
    .sort((a, b) => a.month.localeCompare(b.month))
}

/** How the bars split the figures: communities of a street, or the grids of one community. */
export type Breakdown = 'community' | 'grid'

/** One bar's part: a community or a grid with its own figures (case ids included, for the drill-down). */
export interface KpiPart {
  id: number
  name: string
  figures: KpiFigure[]
}

/** A street compares its communities; one community (chosen, or the only one in scope) compares its grids. */
export function breakdownFor(communityId: number | null, communityCount: number): Breakdown {
  return communityId !== null || communityCount === 1 ? 'grid' : 'community'
}

/** The parts of a /reports/kpis?by=… answer ({breakdown: [{id, name, figures}]}; by_community read too). */
export function partsOf(raw: unknown, lang: 'zh' | 'en' = 'zh'): KpiPart[] {
  const root: Loose = isObject(raw) ? raw : {}
  const list = Array.isArray(root.breakdown)
    ? root.breakdown
    : Array.isArray(root.by_community)
      ? root.by_community
      : []
  return list.filter(isObject).map((p) => ({
    id: num(p.id ?? p.community_id ?? p.grid_id),
    name: String(p.name ?? p.community_name ?? p.grid_name ?? ''),
    figures: figuresOf(p, lang),
  }))
}

/** The bar chart's names and values for one KPI: percent with one decimal, null where nothing was due. */
export function barValues(parts: KpiPart[], code: string): { names: string[]; values: (number | null)[] } {
  return {
    names: parts.map((p) => p.name),
    values: parts.map((p) => {
      const f = p.figures.find((x) => x.code === code)
      return f && f.rate !== null ? Math.round(f.rate * 1000) / 10 : null
    }),
  }
}

/** The figure behind one bar, named "<KPI> · <part>", so a bar opens the cases it counts. */
export function partFigure(parts: KpiPart[], index: number, code: string): KpiFigure | null {
  const part = parts[index]
  const figure = part?.figures.find((f) => f.code === code)
  return part && figure ? { ...figure, label: `${figure.label} · ${part.name}` } : null
}

/** 0.873 → "87.3%"; no denominator → "–". */
export function percent(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return '–'
  const value = Math.round(rate * 1000) / 10
  return `${value}%`
}

/** The month before `yyyy-mm` (the default dashboard month is the current one). */
export function monthOf(date: Date): string {
  const shanghai = new Date(date.getTime() + 8 * 3600_000)
  return `${shanghai.getUTCFullYear()}-${String(shanghai.getUTCMonth() + 1).padStart(2, '0')}`
}

/** One series per KPI for the trend chart: rates as percentages (null where nothing was due). */
export function trendSeries(points: TrendPoint[]): {
  months: string[]
  series: { code: string; label: string; data: (number | null)[] }[]
} {
  const months = points.map((p) => p.month)
  const codes = new Map<string, string>()
  for (const p of points) for (const f of p.figures) if (!codes.has(f.code)) codes.set(f.code, f.label)
  const series = [...codes].map(([code, label]) => ({
    code,
    label,
    data: points.map((p) => {
      const f = p.figures.find((x) => x.code === code)
      return f && f.rate !== null ? Math.round(f.rate * 1000) / 10 : null
    }),
  }))
  return { months, series }
}
