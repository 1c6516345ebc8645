/**
 * The state every entry job shares: the template and its answers, the grid and what the record
 * is about (resident, household, a report's building and GPS fix), the checks before 保存 and the
 * save itself up to the outbox call, which the job's page makes (submit a new item, fix a queued one).
 */
import { computed, nextTick, ref, shallowRef, watch } from 'vue'
import { toast } from '../feedback'
import { labelText } from '../forms/types'
import type { Answers, FieldErrors, FormTemplate, GeoPoint, PhotoSource } from '../forms/types'
import { answersToSend, checkAnswers, photoAnswers } from '../forms/validate'
import { locale, t } from '../i18n'
import { errorLines } from '../outboxItems'
import { photoCountErrors, photoErrorField, placeMissing, REPORT_CONTEXT } from '../register/entry'
import type { EntryContext } from '../register/entry'
import type { FormKind } from '../register/kinds'
import { useRegister } from '../register/live'
import { useAuthStore } from '../stores/auth'
import { syncNow, useOutbox } from '../sync'
import { useNetworkStore } from '../stores/network'

/** What 保存 hands the job's page once the form passes its checks (plain JSON, no Vue proxies). */
export interface CheckedEntry {
  form: FormTemplate
  kind: FormKind
  /** The template version the answers were made with. */
  template: { key: string; version: number }
  context: EntryContext
  /** The photo hashes the answers name. */
  photos: string[]
  /** A report's GPS fix (null for other kinds, or none taken). */
  location: GeoPoint | null
  isReport: boolean
}

/** Resolves once `ready()` holds, or after `ms` (the caller checks again). */
function until(ready: () => boolean, ms = 3000): Promise<void> {
  if (ready()) return Promise.resolve()
  return new Promise((resolve) => {
    const stop = watch(ready, (ok) => {
      if (!ok) return
      stop()
      resolve()
    })
    setTimeout(() => {
      stop()
      resolve()
    }, ms)
  })
}

export function useEntryForm() {
  const auth = useAuthStore()
  const network = useNetworkStore()
  // What the record is about, beyond its answers: sent as payload keys (and a report's location).
  const { view } = useRegister()

  const loading = ref(true)
  /** Why there is no form to show (template not on the phone, item gone). */
  const blocker = ref('')
  const template = shallowRef<FormTemplate | null>(null)
  const answers = ref<Answers>({})
  const gridId = ref<number | null>(null)
  const residentId = ref<string | null>(null)
  const householdId = ref<string | null>(null)
  const buildingId = ref<string | null>(null)
  const location = ref<GeoPoint | null>(null)
  /** The open case the worker said this report repeats (the offline duplicate hint). */
  const duplicateOf = ref<string | null>(null)
  const clientErrors = ref<FieldErrors>({})
  const serverErrors = ref<FieldErrors>({})
  /** The queued item's own message from the server (a fix), shown above the form. */
  const recordError = ref<string | null>(null)
  const attempted = ref(false)
  const saving = ref(false)
  const saved = ref(false)
  const dirty = ref(false)

  const user = computed(() => auth.user)
  const lang = computed(() => (locale.value === 'en' ? 'en' : 'zh'))
  const kind = computed(() => template.value?.kind ?? '')
  /** The kind's descriptor from the pulled form_kinds catalogue (null: not on the phone yet). */
  const kindInfo = computed(() => view.value?.kinds?.get(kind.value) ?? null)
  const isReport = computed(() => kindInfo.value?.opens_case ?? false)
  const caseKind = computed(() => kindInfo.value?.case_kind ?? null)
  const isWelfare = computed(() => kind.value === 'welfare_visit')
  /** The template's title, or 入户走访 while none is loaded. */
  const formName = computed(() => (template.value ? labelText(template.value.title, lang.value) : t('home.visit')))

  const register = computed(() => view.value?.data ?? null)
  const resident = computed(() => (residentId.value ? register.value?.residents.get(residentId.value) : undefined))
  const household = computed(() => {
    const id = householdId.value ?? resident.value?.household_id
    return id ? register.value?.households.get(id) : undefined
  })
  const building = computed(() => (buildingId.value ? register.value?.buildings.get(buildingId.value) : undefined))

  const errors = computed<FieldErrors>(() => {
    const all: FieldErrors = { ...serverErrors.value, ...clientErrors.value }
    // The server counts a report's photos as a whole: its words go under the photo field.
    const photoField = template.value ? photoErrorField(template.value.fields) : null
    if (all.photos && photoField && !all[photoField]) all[photoField] = all.photos
    return all
  })
  /** Payload keys this form shows beside its answers, with their server errors. */
  const shownContext = computed(() => {
    const keys = new Set<string>([isWelfare.value ? 'resident_id' : 'household_id'])
    if (isReport.value) for (const key of REPORT_CONTEXT) keys.add(key)
    return keys
  })
  // Server messages no field on screen can show: the record's, and keys this form has no field for.
  const recordMessages = computed(() => {
    const lines: string[] = []
    if (recordError.value) lines.push(recordError.value)
    const names = new Set(template.value?.fields.map((f) => f.name) ?? [])
    const loose = Object.fromEntries(
      Object.entries(serverErrors.value).filter(
        ([key]) => key !== 'grid_id' && key !== 'photos' && !shownContext.value.has(key) && !names.has(key),
      ),
    )
    for (const line of errorLines(loose, template.value ?? undefined, lang.value, t)) {
      lines.push(`${line.label}：${line.messages.join('；')}`)
    }
    return lines
  })
  const grids = computed(() => {
    const mine = (user.value?.grids ?? []).map((g) => ({ id: g.id, name: g.name }))
    // A corrected item may name a grid no longer the worker's (the server said forbidden).
    if (gridId.value !== null && !mine.some((g) => g.id === gridId.value)) {
      mine.push({ id: gridId.value, name: t('form.gridUnknown', { id: gridId.value }) })
    }
    return mine
  })

  const photos: PhotoSource = {
    add: async (blob) => (await useOutbox()).addPhoto(blob),
    get: async (sha) => (await (await useOutbox()).store.getPhoto(sha))?.blob,
  }

  /** The grid follows the resident or household the form is about; a linked household's building is the place. */
  async function settleContext(): Promise<void> {
    if (!residentId.value && !householdId.value) return
    await until(() => view.value !== null)
    const subject = resident.value ?? household.value
    if (subject && user.value?.grids.some((g) => g.id === subject.grid_id)) gridId.value = subject.grid_id
    if (!householdId.value && resident.value) householdId.value = resident.value.household_id
    if (isReport.value && !buildingId.value && household.value?.building_id)
      buildingId.value = household.value.building_id
  }

  /**
   * Open the form: the job's `load` fills the state (or sets `blocker`), then the kind's descriptor
   * must be on the phone, since which keys to send and what a report asks come from it.
   */
  async function start(load: () => Promise<void>): Promise<void> {
    try {
      await load()
      // A copy pulled before form_kinds existed has none until its next sync.
      await until(() => view.value !== null)
      if (template.value && !blocker.value && !kindInfo.value && !network.offline) {
        // Online with a template fetched before the first pull ended: that pull brings the kinds.
        syncNow('queued')
        await until(() => kindInfo.value !== null, 15_000)
      }
      if (template.value && !blocker.value && !kindInfo.value) blocker.value = t('form.kindMissing')
    } catch (error) {
      blocker.value = t('outbox.loadFailed', { message: error instanceof Error ? error.message : String(error) })
    } finally {
      loading.value = false
    }
  }

  function validate(): number {
    const form = template.value
    if (!form) return 0
    const sent = answersToSend(form.fields, answers.value)
    const found: FieldErrors = checkAnswers(form.fields, sent, lang.value)
    if (gridId.value === null) found.grid_id = [t('form.gridRequired')]
    if (isWelfare.value && !residentId.value) found.resident_id = [t('visit.residentRequired')]
    if (kindInfo.value) Object.assign(found, photoCountErrors(kindInfo.value, form.fields, sent, found, lang.value))
    if (
      isReport.value &&
      placeMissing({
        location: location.value,
        answers: sent,
        buildingId: buildingId.value,
        household: household.value,
      })
    ) {
      found.location = [t('report.needPlace')]
    }
    clientErrors.value = found
    return Object.keys(found).length
  }

  // Once 保存 was tried, re-check as the worker fixes.
  watch(
    [answers, gridId, buildingId, location, residentId, householdId],
    () => {
      if (attempted.value) validate()
    },
    { deep: true },
  )

  /** The worker changed `name`: the form is dirty and the server's old message for it goes. */
  function edited(name: string): void {
    dirty.value = true
    if (serverErrors.value[name]) {
      const rest = { ...serverErrors.value }
      delete rest[name]
      serverErrors.value = rest
    }
  }

  async function showFirstError(): Promise<void> {
    await nextTick()
    document
      .querySelector('.van-field__error-message, .grid-error')
      ?.scrollIntoView({ block: 'center', behavior: 'smooth' })
  }

  /**
   * 保存: check the form, then hand the checked entry to the job's `deliver` (which puts it in the
   * outbox and leaves the page); a failure is shown, the form stays as it is.
   */
  async function save(deliver: (entry: CheckedEntry) => Promise<void>): Promise<void> {
    const form = template.value
    const formKind = kindInfo.value
    if (!form || !formKind || saving.value) return
    attempted.value = true
    const problems = validate()
    if (problems) {
      toast(t('form.fixErrors', { n: problems }))
      void showFirstError()
      return
    }
    saving.value = true
    try {
      // Plain JSON, not Vue's reactive proxies: IndexedDB cannot clone a Proxy.
      const sent = JSON.parse(JSON.stringify(answersToSend(form.fields, answers.value))) as Answers
      const where = isReport.value && location.value ? (JSON.parse(JSON.stringify(location.value)) as GeoPoint) : null
      await deliver({
        form,
        kind: formKind,
        template: { key: form.key, version: form.version },
        context: {
          grid_id: gridId.value,
          answers: sent,
          resident_id: residentId.value,
          household_id: householdId.value ?? resident.value?.household_id ?? null,
          building_id: buildingId.value,
          duplicate_of: isReport.value ? duplicateOf.value : null,
        },
        photos: photoAnswers(form.fields, sent),
        location: where,
        isReport: isReport.value,
      })
    } catch (error) {
      toast(t('form.saveFailed', { message: error instanceof Error ? error.message : String(error) }))
    } finally {
      saving.value = false
    }
  }

  return {
    user,
    network,
    view,
    loading,
    blocker,
    template,
    answers,
    gridId,
    residentId,
    householdId,
    buildingId,
    location,
    duplicateOf,
    caseKind,
    clientErrors,
    serverErrors,
    recordError,
    attempted,
    saving,
    saved,
    dirty,
    isReport,
    isWelfare,
    formName,
    register,
    resident,
    household,
    building,
    errors,
    recordMessages,
    grids,
    photos,
    settleContext,
    start,
    edited,
    save,
  }
}

export type EntryForm = ReturnType<typeof useEntryForm>
