// The case loop as the screens see it: states, actions, traffic lights and request payloads.
// Pure functions only, shared by the supervisor, handler and worker screens (and their tests).

export const CASE_STATES = [
  'reported',
  'filed',
  'returned',
  'voided',
  'merged',
  'dispatched',
  'handled',
  'checked',
  'closed',
] as const
export type CaseState = (typeof CASE_STATES)[number]

export const CASE_ACTIONS = [
  'file',
  'return',
  'void',
  'merge',
  'dispatch',
  'handle',
  'check',
  'rework',
  'close',
] as const
export type CaseAction = (typeof CASE_ACTIONS)[number]

export type Light = 'green' | 'yellow' | 'red' | 'none'

/** The button text of each action: e2e tests find buttons by these words, keep them stable. */
export const ACTION_LABELS: Record<CaseAction, string> = {
  file: '立案',
  return: '退回',
  void: '作废',
  merge: '合并',
  dispatch: '派遣',
  handle: '处置完成',
  check: '核查通过',
  rework: '返工',
  close: '结案',
}

/** Timeline words: the actions plus the report that opened the case. */
export const EVENT_LABELS: Record<string, string> = { ...ACTION_LABELS, report: '上报' }

/**
 * Category names for screens without the server's catalogue (handlers, workers): the twelve
 * hazard focus areas and the city-management classes (domain README).
 */
export const CATEGORY_NAMES: Record<string, string> = {
  residential: '住宅小区',
  crowded: '人员密集场所',
  highrise: '高层建筑',
  electrical: '电气火灾',
  old_housing: '老旧住宅(含棚户区)',
  three_in_one: '“三合一”场所',
  group_rental: '群租房',
  ebike: '电动车火灾',
  dangerous_house: '危旧房',
  demolition: '拆除工程施工现场',
  major_fire_unit: '重大火灾隐患单位',
  key_fire_unit: '消防安全重点单位',
  street_order: '街面秩序',
  city_appearance: '市容环境',
  advertising: '宣传广告',
  construction: '施工管理',
  emergency: '突发事件',
  emergencies: '突发事件',
}

export type Role = 'worker' | 'supervisor' | 'handler' | 'admin'

/** One step the server's loop allows from a state: the action, where it leads, who may take it. */
export interface LoopStep {
  action: CaseAction
  to: CaseState
  roles: Role[]
}

/** The server's case loop (catalogue `case_loop`): the steps each state allows. */
export type CaseLoop = Map<CaseState, LoopStep[]>

/** The pulled catalogue entry that carries the loop (server/cases/loop.py loop_catalogue). */
export const CASE_LOOP_CATALOGUE = 'case_loop'

const ROLES: readonly Role[] = ['worker', 'supervisor', 'handler', 'admin']

/**
 * The loop from the pulled catalogues; null when the phone has none yet. The phone keeps no copy
 * of its own: the table and who may act live on the server.
 */
export function caseLoopFrom(catalogues: readonly unknown[]): CaseLoop | null {
  const entry = catalogues.find((c) => isObject(c) && c.id === CASE_LOOP_CATALOGUE)
  if (!isObject(entry) || !Array.isArray(entry.items)) return null
  const loop: CaseLoop = new Map()
  for (const item of entry.items) {
    if (!isObject(item) || !isCaseState(item.code)) continue
    const steps = (Array.isArray(item.actions) ? item.actions : []).filter(isObject).flatMap((step) =>
      isCaseAction(step.action) && isCaseState(step.to)
        ? [
            {
              action: step.action,
              to: step.to,
              roles: (Array.isArray(step.roles) ? step.roles : []).filter((r): r is Role => ROLES.includes(r as Role)),
            },
          ]
        : [],
    )
    loop.set(item.code, steps)
  }
  return loop
}

export interface CaseEvent {
  id: string | number
  action: string
  from_state: string | null
  to_state: string
  comment: string | null
  photos: string[]
  at: string
  actor: string
  deadline?: string | null
}

export interface CaseView {
  id: string
  kind: string
  category: string
  subcategory: string | null
  categoryLabel: string
  severity: string | null
  urgent: boolean
  state: CaseState
  description: string
  address: string | null
  gridId: number | null
  gridName: string
  reportedAt: string | null
  dispatchedAt: string | null
  deadline: string | null
  assignee: string
  departmentId: number | null
  assigneeId: number | null
  light: Light
  /** Actions the server says are allowed now, when it says so. */
  allowed: CaseAction[] | null
  beforePhotos: string[]
  afterPhotos: string[]
  checkPhotos: string[]
  events: CaseEvent[]
  raw: Record<string, unknown>
}

type Loose = Record<string, unknown>

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
function str(value: unknown): string | null {
  if (typeof value === 'string' && value) return value
  if (typeof value === 'number') return String(value)
  return null
}
function strings(value: unknown): string[] {
  if (!Array.isArray(value)) return []
  return value.map((v) => (isObject(v) ? str(v.sha256 ?? v.sha) : str(v))).filter((v): v is string => v !== null)
}
function nameOf(value: unknown): string {
  if (isObject(value)) return str(value.display_name ?? value.name ?? value.username) ?? ''
  return str(value) ?? ''
}
/** A bilingual label {zh, en} or a string. */
export function labelText(value: unknown, lang: 'zh' | 'en' = 'zh'): string {
  if (isObject(value)) return str(value[lang] ?? value.zh ?? value.en) ?? ''
  return str(value) ?? ''
}

export function isCaseState(value: unknown): value is CaseState {
  return typeof value === 'string' && (CASE_STATES as readonly string[]).includes(value)
}
export function isCaseAction(value: unknown): value is CaseAction {
  return typeof value === 'string' && (CASE_ACTIONS as readonly string[]).includes(value)
}

function lightValue(value: unknown): Light | null {
  const raw = isObject(value) ? (value.case ?? value.whole ?? value.step ?? value.light) : value
  return raw === 'green' || raw === 'yellow' || raw === 'red' ? raw : null
}

/**
 * The light of a clock: green below 80 % of the limit, yellow 80–100 %, red over. Calendar time
 * is a fallback for a copy without the server's light (the server counts working time).
 */
export function lightFor(startIso: string | null, deadlineIso: string | null, nowMs: number): Light {
  if (!deadlineIso) return 'none'
  const end = Date.parse(deadlineIso)
  if (Number.isNaN(end)) return 'none'
  const start = startIso ? Date.parse(startIso) : NaN
  if (nowMs > end) return 'red'
  if (Number.isNaN(start) || end <= start) return 'green'
  const used = (nowMs - start) / (end - start)
  if (used > 1) return 'red'
  return used >= 0.8 ? 'yellow' : 'green'
}

const OPEN_CLOCK: ReadonlySet<CaseState> = new Set(['dispatched', 'handled', 'checked'])

/** Read a case from GET /cases, /cases/<id> or the replica, whatever the exact nesting. */
export function normalizeCase(raw: unknown, nowMs = Date.now(), lang: 'zh' | 'en' = 'zh'): CaseView {
  const c: Loose = isObject(raw) ? raw : {}
  const state: CaseState = isCaseState(c.state) ? c.state : 'reported'
  const events = (Array.isArray(c.events) ? c.events : Array.isArray(c.timeline) ? c.timeline : [])
    .filter(isObject)
    .map((e, index) => ({
      id: (str(e.id) ?? String(index)) as string | number,
      action: str(e.action) ?? '',
      from_state: str(e.from_state ?? e.from),
      to_state: str(e.to_state ?? e.to) ?? '',
      comment: str(e.comment ?? e.reason),
      photos: strings(e.photos),
      at: str(e.at ?? e.created_at) ?? '',
      actor: nameOf(e.actor ?? e.actor_name ?? e.actor_id),
      deadline: str(e.deadline),
    }))
  const dispatch = [...events].reverse().find((e) => e.action === 'dispatch')
  const dispatchedAt = str(c.dispatched_at) ?? dispatch?.at ?? null
  // Server clocks: `handle` (dispatch → handled) runs while dispatched, `case` (filed → closed) after.
  const clocks: Loose = isObject(c.clocks) ? c.clocks : {}
  const handleClock = isObject(clocks.handle) ? clocks.handle : null
  const caseClock = isObject(clocks.case) ? clocks.case : null
  const stepClock = state === 'dispatched' ? handleClock : null
  const deadline = str(
    c.deadline ?? c.due_at ?? stepClock?.deadline ?? caseClock?.deadline ?? handleClock?.deadline ?? null,
  )
  const before = strings(c.before_photos ?? c.photos)
  const after = strings(c.after_photos).length
    ? strings(c.after_photos)
    : events.filter((e) => e.action === 'handle').flatMap((e) => e.photos)
  const serverLight =
    lightValue(c.lights ?? c.light) ??
    lightValue(stepClock?.light) ??
    lightValue(caseClock?.light) ??
    (c.overdue === true ? 'red' : null)
  const light: Light = serverLight ?? (OPEN_CLOCK.has(state) ? lightFor(dispatchedAt, deadline, nowMs) : 'none')
  const allowedRaw = c.allowed ?? c.allowed_actions
  const grid = c.grid
  return {
    id: str(c.id) ?? '',
    kind: str(c.kind) ?? '',
    category: str(c.category) ?? '',
    subcategory: str(c.subcategory),
    categoryLabel:
      labelText(c.subcategory_label ?? c.category_label, lang) ||
      (lang === 'zh' ? CATEGORY_NAMES[str(c.category) ?? ''] : '') ||
      str(c.subcategory) ||
      str(c.category) ||
      '',
    severity: str(c.severity),
    urgent: c.urgent === true,
    state,
    description: str(c.description) ?? '',
    address: str(c.address),
    gridId: typeof c.grid_id === 'number' ? c.grid_id : isObject(grid) && typeof grid.id === 'number' ? grid.id : null,
    gridName: isObject(grid) ? (str(grid.name) ?? '') : (str(c.grid_name) ?? ''),
    reportedAt: str(c.reported_at ?? c.created_at),
    dispatchedAt,
    deadline,
    assignee: nameOf(c.assignee ?? c.department ?? c.assignee_name ?? c.department_name ?? null),
    departmentId: typeof c.department_id === 'number' ? c.department_id : null,
    assigneeId: typeof c.assignee_id === 'number' ? c.assignee_id : null,
    checkPhotos: strings(c.check_photos),
    light,
    allowed: Array.isArray(allowedRaw) ? allowedRaw.filter(isCaseAction) : null,
    beforePhotos: before,
    afterPhotos: after,
    events,
    raw: c,
  }
}

/** A list answer: a bare array or {items|cases|data: [...]}. */
export function listOf(raw: unknown, ...keys: string[]): unknown[] {
  if (Array.isArray(raw)) return raw
  if (!isObject(raw)) return []
  for (const key of [...keys, 'items', 'data', 'results']) {
    if (Array.isArray(raw[key])) return raw[key] as unknown[]
  }
  return []
}

/**
 * The actions to offer this role on this case: the case's allowed_actions when it carries them
 * (the API and the pull give them for the user who asked), else the served loop's steps for the
 * role in that state, else none: the phone never guesses what the server would refuse.
 */
export function actionsFor(view: Pick<CaseView, 'state' | 'allowed'>, role: Role, loop: CaseLoop | null): CaseAction[] {
  if (view.allowed) return [...view.allowed]
  return (loop?.get(view.state) ?? []).filter((step) => step.roles.includes(role)).map((step) => step.action)
}

const LIGHT_ORDER: Record<Light, number> = { red: 0, yellow: 1, green: 2, none: 3 }

/** Handler's list: soonest deadline first; no deadline last; red before yellow on a tie. */
export function byDeadline(a: CaseView, b: CaseView): number {
  const da = a.deadline ? Date.parse(a.deadline) : Infinity
  const db = b.deadline ? Date.parse(b.deadline) : Infinity
  if (da !== db) return da - db
  return LIGHT_ORDER[a.light] - LIGHT_ORDER[b.light]
}

/** Board columns: cases grouped by state in loop order (empty states kept, so columns do not jump). */
export function groupByState(
  cases: CaseView[],
  states: readonly CaseState[] = CASE_STATES,
): Map<CaseState, CaseView[]> {
  const groups = new Map<CaseState, CaseView[]>(states.map((s) => [s, []]))
  for (const c of cases) groups.get(c.state)?.push(c)
  for (const list of groups.values()) list.sort(byDeadline)
  return groups
}

export function countLights(cases: CaseView[]): Record<Light, number> {
  const counts: Record<Light, number> = { green: 0, yellow: 0, red: 0, none: 0 }
  for (const c of cases) counts[c.light] += 1
  return counts
}

export interface ActionInput {
  action: CaseAction
  comment?: string
  reason?: string
  intoCaseId?: string
  departmentId?: number | null
  assigneeId?: number | null
  deadline?: string | null
  photos?: string[]
}

export class ActionInputError extends Error {
  override name = 'ActionInputError'
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message)
  }
}

/** The body of POST /cases/<id>/actions, checked before sending (the server checks again). */
export function actionBody(input: ActionInput): Record<string, unknown> {
  const body: Record<string, unknown> = { action: input.action }
  const comment = input.comment?.trim()
  if (comment) body.comment = comment
  switch (input.action) {
    case 'void': {
      const reason = (input.reason ?? input.comment ?? '').trim()
      if (!reason) throw new ActionInputError('reason', 'reason required')
      body.reason = reason
      break
    }
    case 'return':
      if (!comment) throw new ActionInputError('comment', 'comment required')
      break
    case 'merge':
      if (!input.intoCaseId) throw new ActionInputError('into_case_id', 'target required')
      body.into_case_id = input.intoCaseId
      break
    case 'dispatch':
      if (input.departmentId) body.department_id = input.departmentId
      else if (input.assigneeId) body.assignee_id = input.assigneeId
      else throw new ActionInputError('assignee', 'assignee required')
      if (input.deadline) body.deadline = input.deadline
      break
    case 'handle':
    case 'check':
      if (input.photos?.length) body.photos = [...input.photos]
      break
    default:
      break
  }
  return body
}

/** The outbox record of an action taken in the field (handle, check): idempotent by its item id. */
export function caseActionSubmission(caseId: string, action: 'handle' | 'check', comment: string, photos: string[]) {
  return {
    kind: 'case_action',
    template: null,
    payload: { case_id: caseId, action, comment: comment.trim(), photos: [...photos] },
    photos: [...photos],
  }
}

/** The actions a 409 says are allowed now (error.allowed), as known action names. */
export function allowedFrom(details: Record<string, unknown>, fields: Record<string, unknown> = {}): CaseAction[] {
  const raw = details.allowed ?? details.allowed_actions ?? fields.allowed
  return Array.isArray(raw) ? raw.filter(isCaseAction) : []
}

export interface CaseFilters {
  state?: string
  category?: string
  grid_id?: number | string
  overdue?: boolean
}

/** The query of GET /cases: empty filters left out. */
export function caseQuery(filters: CaseFilters): Record<string, string> {
  const query: Record<string, string> = {}
  if (filters.state) query.state = filters.state
  if (filters.category) query.category = filters.category
  if (filters.grid_id !== undefined && filters.grid_id !== '') query.grid_id = String(filters.grid_id)
  if (filters.overdue) query.overdue = '1'
  return query
}

/** Photo URLs of the server's photo endpoint. */
export function photoUrl(sha: string, size: 'thumb' | 'full' = 'thumb'): string {
  return `/api/v1/photos/${encodeURIComponent(sha)}?size=${size}`
}

export interface TimeLimit {
  value: number
  unit: 'working_hours' | 'working_days'
}

/** A time limit as the catalogue gives it: {value, unit}, or null. */
export function timeLimitOf(raw: unknown): TimeLimit | null {
  if (!isObject(raw)) return null
  const value = Number(raw.value)
  const unit = raw.unit === 'working_hours' || raw.unit === 'working_days' ? raw.unit : null
  return unit && Number.isFinite(value) && value > 0 ? { value, unit } : null
}

const SHANGHAI_MS = 8 * 3600_000
const WORK_START_H = 9
const WORK_END_H = 17

function isWeekendShanghai(ms: number): boolean {
  const day = new Date(ms + SHANGHAI_MS).getUTCDay()
  return day === 0 || day === 6
}

/**
 * A deadline estimate for the dispatch dialog: weekends skipped (holidays are the server's),
 * working hours 9:00–17:00 Beijing time. The server's deadline is the one that counts.
 */
export function estimateDeadline(startMs: number, limit: TimeLimit): number {
  if (limit.unit === 'working_days') {
    let ms = startMs
    let left = limit.value
    while (left > 0) {
      ms += 86_400_000
      if (!isWeekendShanghai(ms)) left -= 1
    }
    return ms
  }
  let ms = startMs
  let minutes = Math.round(limit.value * 60)
  while (minutes > 0) {
    const local = new Date(ms + SHANGHAI_MS)
    const hour = local.getUTCHours() + local.getUTCMinutes() / 60
    if (isWeekendShanghai(ms) || hour >= WORK_END_H) {
      // Jump to 9:00 of the next day.
      const next =
        Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1, WORK_START_H) - SHANGHAI_MS
      ms = next
      continue
    }
    if (hour < WORK_START_H) {
      ms = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), WORK_START_H) - SHANGHAI_MS
      continue
    }
    const untilEnd = Math.round((WORK_END_H - hour) * 60)
    const step = Math.min(untilEnd, minutes)
    ms += step * 60_000
    minutes -= step
  }
  return ms
}
