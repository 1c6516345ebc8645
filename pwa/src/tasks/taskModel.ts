// Tasks a supervisor gives a worker: what the phone shows (overdue, sorted) and where a tap leads.
import type { RouteLocationRaw } from 'vue-router'

export const TASK_KINDS = ['visit_household', 'welfare_visit', 'reinspect_hazard', 'check_case'] as const
export type TaskKind = (typeof TASK_KINDS)[number]

export interface TaskView {
  id: string
  kind: TaskKind | string
  status: string
  title: string
  note: string
  dueAt: string | null
  householdId: string | null
  residentId: string | null
  buildingId: string | null
  caseId: string | null
  overdue: boolean
  open: boolean
}

type Loose = Record<string, unknown>
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : null)

const CLOSED = new Set(['done', 'completed', 'cancelled', 'canceled', 'closed'])

/** A task from the replica or GET /tasks; the target may be flat keys or a {type, id} object. */
export function normalizeTask(raw: unknown, nowMs = Date.now()): TaskView {
  const task: Loose = isObject(raw) ? raw : {}
  const target: Loose = isObject(task.target) ? task.target : {}
  const targetType = str(target.type ?? task.target_type)
  const targetId = str(target.id ?? task.target_id)
  const pick = (key: string, type: string) =>
    str(task[`${key}_id`] ?? target[`${key}_id`]) ?? (targetType === type ? targetId : null)
  const status = str(task.status) ?? 'open'
  const dueAt = str(task.due_at ?? task.due)
  const open = !CLOSED.has(status)
  const dueMs = dueAt ? Date.parse(dueAt) : NaN
  return {
    id: str(task.id) ?? '',
    kind: str(task.kind) ?? '',
    status,
    title: str(task.title) ?? '',
    note: str(task.note ?? task.comment ?? task.description) ?? '',
    dueAt,
    householdId: pick('household', 'household'),
    residentId: pick('resident', 'resident'),
    buildingId: pick('building', 'building'),
    caseId: pick('case', 'case'),
    overdue: open && (task.overdue === true || (!Number.isNaN(dueMs) && dueMs < nowMs)),
    open,
  }
}

/** The worker's list: open tasks only, overdue first, then by due time. */
export function openTasks(tasks: TaskView[]): TaskView[] {
  return tasks
    .filter((task) => task.open)
    .sort((a, b) => {
      if (a.overdue !== b.overdue) return a.overdue ? -1 : 1
      const da = a.dueAt ? Date.parse(a.dueAt) : Infinity
      const db = b.dueAt ? Date.parse(b.dueAt) : Infinity
      return da - db
    })
}

/** Where tapping a task leads: the right form, carrying task_id (the server links the submission). */
export function taskRoute(task: TaskView): RouteLocationRaw {
  const query: Record<string, string> = { task: task.id }
  if (task.householdId) query.household = task.householdId
  if (task.residentId) query.resident = task.residentId
  if (task.buildingId) query.building = task.buildingId
  switch (task.kind) {
    case 'check_case':
      return task.caseId ? { name: 'case', params: { id: task.caseId }, query: { task: task.id } } : { name: 'home' }
    case 'welfare_visit':
      return { name: 'form-new', params: { key: 'welfare_visit' }, query }
    case 'reinspect_hazard':
      return { name: 'form-new', params: { key: 'hazard_inspection' }, query }
    default:
      return { name: 'visit-new', query }
  }
}

/** The key of each kind's target in POST /tasks (the server finds the grid from it). */
export const TASK_TARGETS: Record<TaskKind, string> = {
  visit_household: 'household_id',
  welfare_visit: 'resident_id',
  reinspect_hazard: 'case_id',
  check_case: 'case_id',
}

export interface NewTaskInput {
  assigneeId: number | null
  kind: string
  targetId: string
  dueAt: string
  note: string
}

/** The body of POST /tasks, checked first: a worker, a known kind, a due time in the future. */
export function taskBody(input: NewTaskInput, nowMs = Date.now()): Record<string, unknown> {
  if (!input.assigneeId) throw new Error('task.workerRequired')
  if (!(TASK_KINDS as readonly string[]).includes(input.kind)) throw new Error('task.kind')
  const due = Date.parse(input.dueAt)
  if (!input.dueAt || Number.isNaN(due)) throw new Error('task.dueRequired')
  if (due < nowMs) throw new Error('task.duePast')
  const body: Record<string, unknown> = {
    assignee_id: input.assigneeId,
    kind: input.kind,
    due_at: new Date(due).toISOString(),
  }
  const target = input.targetId.trim()
  if (!target) throw new Error('task.targetRequired')
  body[TASK_TARGETS[input.kind as TaskKind]] = target
  if (input.note.trim()) body.note = input.note.trim()
  return body
}

/** A datetime-local value (Beijing wall clock) as an ISO instant: the street is UTC+8 all year. */
export function fromShanghaiLocal(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value)
  if (!m) return ''
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) - 8 * 3600_000
  return new Date(ms).toISOString()
}
