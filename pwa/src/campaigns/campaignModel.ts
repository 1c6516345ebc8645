// What the phone makes of its pulled campaigns and targets: the checklist's order and the items
// that close a target. Pure: the pages and their tests share it.

export const ANSWERS = ['reached', 'no_answer', 'relocate', 'assist'] as const
export const ATTEMPTS = ['not_met', 'no_entry'] as const
export type Answer = (typeof ANSWERS)[number]
export type Attempt = (typeof ATTEMPTS)[number]

const TIER_RANK: Record<string, number> = { high: 0, key: 1, general: 2, none: 3 }

export interface CampaignView {
  id: number
  name: string
  mode: 'normal' | 'roll_call'
  templateKey: string
  dueAt: string | null
  endsAt: string | null
  status: string
}

export interface TargetView {
  id: string
  campaignId: number
  householdId: string
  residentId: string | null
  buildingId: string | null
  careTier: string
  status: string
  attempts: number
  answer: string | null
  retryOn: string | null
}

type Loose = Record<string, unknown>
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null)
const num = (v: unknown): number => (typeof v === 'number' ? v : 0)

export function normalizeCampaign(raw: unknown): CampaignView {
  const c: Loose = isObject(raw) ? raw : {}
  const template: Loose = isObject(c.template) ? c.template : {}
  return {
    id: num(c.id),
    name: str(c.name) ?? '',
    mode: c.mode === 'roll_call' ? 'roll_call' : 'normal',
    templateKey: str(template.key) ?? 'household_visit',
    dueAt: str(c.due_at),
    endsAt: str(c.ends_at),
    status: str(c.status) ?? 'active',
  }
}

export function normalizeTarget(raw: unknown): TargetView {
  const t: Loose = isObject(raw) ? raw : {}
  return {
    id: str(t.id) ?? '',
    campaignId: num(t.campaign_id),
    householdId: str(t.household_id) ?? '',
    residentId: str(t.resident_id),
    buildingId: str(t.building_id),
    careTier: str(t.care_tier) ?? 'none',
    status: str(t.status) ?? 'open',
    attempts: num(t.attempts),
    answer: str(t.answer),
    retryOn: str(t.retry_on),
  }
}

/** Still under way at `now`: the server drops an ended campaign from the phone at the next pull;
 * offline, its end passing is enough to take it off 我的专项. */
export function isRunning(campaign: CampaignView, now: Date): boolean {
  if (campaign.status === 'ended') return false
  return !campaign.endsAt || new Date(campaign.endsAt).getTime() > now.getTime()
}

/** Still on the checklist: open, or attempted and due again (retry_on today or earlier). */
export function isLive(target: TargetView, today: string): boolean {
  if (target.status === 'open') return true
  return target.status === 'attempted' && (!target.retryOn || target.retryOn <= today)
}

/** The checklist's order: care tier (high first), then building name, then the target's id. */
export function checklistOrder(targets: TargetView[], buildingName: (id: string | null) => string): TargetView[] {
  return [...targets].sort((a, b) => {
    const tier = (TIER_RANK[a.careTier] ?? 3) - (TIER_RANK[b.careTier] ?? 3)
    if (tier) return tier
    const building = buildingName(a.buildingId).localeCompare(buildingName(b.buildingId), 'zh-CN')
    return building || a.id.localeCompare(b.id)
  })
}

/** The outbox item of a roll-call answer or an attempt (未遇到/无法入户 needs its reason). */
export function answerSubmission(
  targetId: string,
  outcome: Answer | Attempt,
  reason = '',
): { kind: string; template: null; payload: Record<string, unknown> } {
  const payload: Record<string, unknown> = { target_id: targetId, outcome }
  if ((ATTEMPTS as readonly string[]).includes(outcome)) {
    if (!reason.trim()) throw new Error('campaign.reasonRequired')
    payload.reason = reason.trim()
  }
  return { kind: 'campaign_answer', template: null, payload }
}
