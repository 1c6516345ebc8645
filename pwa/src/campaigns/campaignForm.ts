// 发起专项: the desk form's values and the POST /campaigns body they make (the API's rule shape).
// Pure: the page and its test share it. Times are typed on a Shanghai wall clock.

export interface CampaignFormValues {
  name: string
  template: string // "key:version"
  subject: 'household' | 'resident'
  communityIds: number[]
  gridIds: number[]
  tags: string[]
  careTiers: string[]
  housingTypes: string[]
  startsAt: string // datetime-local, Shanghai
  endsAt: string
  closeOut: string // HH:MM
  quota: string // optional, digits
  mode: 'normal' | 'roll_call'
  deadlineHours: string
}

const SHANGHAI_MS = 8 * 3600_000

/** A datetime-local value read as Shanghai wall time, as ISO 8601 with the +08:00 offset. */
export function shanghaiIso(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value)
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:00+08:00` : null
}

/** An instant as a datetime-local value on the Shanghai wall clock. */
export function shanghaiLocal(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_MS).toISOString().slice(0, 16)
}

export function emptyForm(now: Date): CampaignFormValues {
  return {
    name: '',
    template: '',
    subject: 'household',
    communityIds: [],
    gridIds: [],
    tags: [],
    careTiers: [],
    housingTypes: [],
    startsAt: shanghaiLocal(now),
    endsAt: shanghaiLocal(new Date(now.getTime() + 7 * 86400_000)),
    closeOut: '17:30',
    quota: '',
    mode: 'normal',
    deadlineHours: '',
  }
}

/** The rule: only the filters chosen (an empty filter is left out: it would match no one). */
export function ruleOf(form: CampaignFormValues): Record<string, unknown> {
  const rule: Record<string, unknown> = { subject: form.subject }
  if (form.communityIds.length) rule.community_ids = [...form.communityIds]
  if (form.gridIds.length) rule.grid_ids = [...form.gridIds]
  if (form.tags.length) rule.tags = [...form.tags]
  if (form.careTiers.length) rule.care_tiers = [...form.careTiers]
  if (form.housingTypes.length) rule.housing_types = [...form.housingTypes]
  return rule
}

const whole = (value: string): number | null => (/^\d+$/.test(value.trim()) ? Number(value.trim()) : null)

/** The POST /campaigns body; throws the message key of the first thing missing. */
export function campaignBody(form: CampaignFormValues): Record<string, unknown> {
  if (!form.name.trim()) throw new Error('campaign.new.nameRequired')
  const [key, version] = form.template.split(':')
  if (!key || !version) throw new Error('campaign.new.templateRequired')
  const startsAt = shanghaiIso(form.startsAt)
  const endsAt = shanghaiIso(form.endsAt)
  if (!startsAt || !endsAt) throw new Error('campaign.new.timesRequired')
  const body: Record<string, unknown> = {
    name: form.name.trim(),
    template: { key, version: Number(version) },
    rule: ruleOf(form),
    starts_at: startsAt,
    ends_at: endsAt,
    close_out_time: form.closeOut,
    mode: form.mode,
  }
  if (form.quota.trim()) {
    const quota = whole(form.quota)
    if (quota === null) throw new Error('campaign.new.quotaWhole')
    body.daily_quota = quota
  }
  if (form.mode === 'roll_call') {
    const hours = whole(form.deadlineHours)
    if (hours === null) throw new Error('campaign.new.hoursRequired')
    body.deadline_hours = hours
  }
  return body
}
