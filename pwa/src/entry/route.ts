/**
 * A new form's props from its URL's query. The router (in the entry chunk) calls it, so it imports
 * nothing: the form code loads with the page.
 */

/** What a new form is about, from the route (the household card, the due list, 我的上报, a task). */
export interface EntrySubject {
  householdId?: string
  residentId?: string
  buildingId?: string
  /** 我的专项: the campaign target this form closes (payload.campaign_target_id). */
  campaignTargetId?: string
}

/** The props of /visit/new and /forms/:key/new. */
export interface NewEntryProps extends EntrySubject {
  templateKey: string
  resubmits?: string
  taskId?: string
}

/** A query value as one string (vue-router gives string | null | an array of them). */
export function one(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' && first ? first : undefined
}

/**
 * The props of /visit/new and /forms/:key/new from the URL's query:
 * ?household=…&resident=…&building=… (what it is about), &resubmits=… (我的上报), &task=… (我的任务),
 * &campaign_target=… (我的专项).
 */
export function newEntryProps(templateKey: string, query: Record<string, unknown>): NewEntryProps {
  return {
    templateKey,
    householdId: one(query.household),
    residentId: one(query.resident),
    buildingId: one(query.building),
    campaignTargetId: one(query.campaign_target),
    resubmits: one(query.resubmits),
    taskId: one(query.task),
  }
}
