// Where a form's template comes from: the pulled replica, then this phone's copy, then the server.
import { shallowRef } from 'vue'
import type { ShallowRef } from 'vue'
import { api } from '../api'
import { readJson, writeJson } from '../storage'
import { useOutbox, whenSyncRunEnds } from '../sync'
import type { FormTemplate } from './types'

/** The pull feed's entity name; ids are "key:version". */
export const TEMPLATE_ENTITY = 'form_template'
/** Not per user: templates are not personal data, and a form must open offline after a re-login. */
const CACHE_PREFIX = 'gw.form.'
const NETWORK_WAIT_MS = 8_000

export function isTemplate(value: unknown): value is FormTemplate {
  if (typeof value !== 'object' || value === null) return false
  const t = value as Partial<FormTemplate>
  return (
    typeof t.key === 'string' && typeof t.version === 'number' && typeof t.kind === 'string' && Array.isArray(t.fields)
  )
}

/** The version offered for new forms: the highest active one of the key. */
export function newestActive(templates: unknown[], key: string): FormTemplate | null {
  let best: FormTemplate | null = null
  for (const t of templates) {
    if (!isTemplate(t) || t.key !== key || t.active === false) continue
    if (!best || t.version > best.version) best = t
  }
  return best
}

function remember(template: FormTemplate): FormTemplate {
  writeJson(`${CACHE_PREFIX}${template.key}:${template.version}`, template)
  const latest = readJson<FormTemplate>(CACHE_PREFIX + template.key)
  if (template.active !== false && (!isTemplate(latest) || latest.version <= template.version)) {
    writeJson(CACHE_PREFIX + template.key, template)
  }
  return template
}

async function replicaTemplates(): Promise<unknown[]> {
  try {
    return await (await useOutbox()).store.getEntities(TEMPLATE_ENTITY)
  } catch {
    return []
  }
}

/** GET with a short wait: in a basement with one bar, the phone's copy beats a long spinner. */
async function fetchQuickly<T>(path: string): Promise<T | null> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), NETWORK_WAIT_MS)
  try {
    return await api.get<T>(path, { signal: controller.signal })
  } catch {
    return null
  } finally {
    clearTimeout(timer)
  }
}

/** The template a new form of this key uses; `online` is the network store's hint. */
export async function latestTemplate(key: string, online: boolean): Promise<FormTemplate | null> {
  const pulled = newestActive(await replicaTemplates(), key)
  if (pulled) return remember(pulled)
  if (online) {
    const answer = await fetchQuickly<{ forms: unknown[] }>('/forms')
    const fresh = answer && Array.isArray(answer.forms) ? newestActive(answer.forms, key) : null
    if (fresh) return remember(fresh)
  }
  const kept = readJson<unknown>(CACHE_PREFIX + key)
  return isTemplate(kept) ? kept : null
}

/** One exact version (a queued item's): the server validates against the version it names. */
export async function exactTemplate(key: string, version: number, online: boolean): Promise<FormTemplate | null> {
  const id = `${key}:${version}`
  try {
    const pulled = await (await useOutbox()).store.getEntity(TEMPLATE_ENTITY, id)
    if (isTemplate(pulled)) return remember(pulled)
  } catch {
    // Fall through to the phone's copy.
  }
  const kept = readJson<unknown>(CACHE_PREFIX + id)
  if (isTemplate(kept)) return kept
  if (online) {
    const fresh = await fetchQuickly<unknown>(`/forms/${encodeURIComponent(key)}/${version}`)
    if (isTemplate(fresh)) return remember(fresh)
  }
  return null
}

/** Templates already on the phone, by "key:version" (labels for the 待同步 screen; no network). */
export async function knownTemplates(): Promise<Map<string, FormTemplate>> {
  const out = new Map<string, FormTemplate>()
  for (const t of await replicaTemplates()) if (isTemplate(t)) out.set(`${t.key}:${t.version}`, t)
  try {
    const storage = globalThis.localStorage
    for (let i = 0; storage && i < storage.length; i++) {
      const name = storage.key(i)
      if (!name?.startsWith(CACHE_PREFIX) || !name.includes(':')) continue
      const t = readJson<unknown>(name)
      if (isTemplate(t) && !out.has(`${t.key}:${t.version}`)) out.set(`${t.key}:${t.version}`, t)
    }
  } catch {
    // Storage blocked: the replica's templates are enough.
  }
  return out
}

/**
 * knownTemplates for a screen, read when it is set up and again when a sync run ends. A new phone's
 * first pull lands page by page: a screen opened before the templates' page arrived would
 * otherwise show answers under their raw field names until it was opened again.
 */
export function useKnownTemplates(): ShallowRef<Map<string, FormTemplate>> {
  const templates = shallowRef<Map<string, FormTemplate>>(new Map())
  let reads = 0
  async function read(): Promise<void> {
    // Two reads in flight (mount and a run ending): the later one's answer wins.
    const mine = ++reads
    const found = await knownTemplates()
    if (mine === reads) templates.value = found
  }
  void read()
  whenSyncRunEnds(() => void read())
  return templates
}
