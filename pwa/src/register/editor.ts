/**
 * What the household and resident edit screens share: the form's state and errors, saving it
 * as an upsert in the outbox (only the changed fields of a known record), and the guard that
 * asks before a worker walks away from unsaved typing.
 *
 * Each page keeps what differs: how it opens (new, edit, correct an outbox item), its fields,
 * and where it goes after the save.
 */
import { computed, onMounted, ref, watch } from 'vue'
import type { Ref } from 'vue'
import { onBeforeRouteLeave, useRouter } from 'vue-router'
import type { RouteLocationRaw } from 'vue-router'
import { confirm, toast } from '../feedback'
import type { FieldErrors } from '../forms/types'
import { t } from '../i18n'
import { useAuthStore } from '../stores/auth'
import { useOutbox } from '../sync'
import { changedRecord } from './forms'
import { useRegister } from './live'
import type { RegisterView } from './live'
import { EditBlocked, saveUpsert } from './upsert'
import type { UpsertKind } from './upsert'

export type UpsertRecord = Record<string, unknown> & { id: string }

export interface EditorOptions<F> {
  kind: UpsertKind
  /** The outbox item being corrected, if any: the save replaces it. */
  itemId: () => string | undefined
  /** Fill `form` (or set `blocker`), then call `opened`. */
  load: () => Promise<void>
  check: (form: F) => FieldErrors
  record: (form: F) => Record<string, unknown>
  /** The version the phone last pulled of the record being edited; null for a new one. */
  storedVersion: () => number | null
  /** Last changes to the record before it is queued (a household carries a phone-made building). */
  prepare?: (record: UpsertRecord, form: F, view: RegisterView) => UpsertRecord
  savedMessage: () => string
  /** Where the worker lands after saving (corrections go back to 待同步). */
  after: (record: UpsertRecord, form: F) => RouteLocationRaw
}

export function useRegisterEditor<F extends object>(options: EditorOptions<F>) {
  const router = useRouter()
  const auth = useAuthStore()
  const { view, refresh } = useRegister()

  const form = ref(null) as Ref<F | null>
  const blocker = ref('')
  const attempted = ref(false)
  const saving = ref(false)
  const saved = ref(false)
  const dirty = ref(false)
  const clientErrors = ref<FieldErrors>({})
  const serverErrors = ref<FieldErrors>({})
  let startJson = ''
  /** What the form held when opened: an edit of a known record sends only the changes. */
  let startRecord: Record<string, unknown> | null = null

  const errors = computed<FieldErrors>(() => ({ ...serverErrors.value, ...clientErrors.value }))
  const err = (name: string) => errors.value[name]?.join('；')

  /** The page filled the form: remember it, to tell a change and to send only the changes. */
  function opened(known: boolean): void {
    if (!form.value) return
    startJson = JSON.stringify(form.value)
    startRecord = known ? options.record(form.value) : null
  }

  onMounted(() => {
    options.load().catch((error: unknown) => {
      blocker.value = error instanceof Error ? error.message : String(error)
    })
  })

  function validate(): number {
    if (!form.value) return 0
    clientErrors.value = options.check(form.value)
    return Object.keys(clientErrors.value).length
  }

  watch(
    form,
    (next) => {
      if (!next) return
      dirty.value = JSON.stringify(next) !== startJson
      if (attempted.value) validate()
    },
    { deep: true },
  )

  /** The worker changed a field the server had refused: its old message no longer applies. */
  function touched(name: string): void {
    if (serverErrors.value[name]) {
      const rest = { ...serverErrors.value }
      delete rest[name]
      serverErrors.value = rest
    }
  }

  function back(): void {
    if (window.history.state?.back) router.back()
    else void router.replace({ name: 'roster' })
  }

  async function save(): Promise<void> {
    const f = form.value
    const v = view.value
    const owner = auth.user?.username
    if (!f || !v || !owner || saving.value) return
    attempted.value = true
    const problems = validate()
    if (problems) {
      toast(t('edit.fixErrors', { n: problems }))
      return
    }
    saving.value = true
    try {
      const full = options.record(f)
      let record = startRecord ? changedRecord(full, startRecord) : (full as UpsertRecord)
      if (startRecord && Object.keys(record).length === 1) {
        // Nothing changed: nothing to queue.
        saved.value = true
        back()
        return
      }
      if (options.prepare) record = options.prepare(record, f, v)
      const outbox = await useOutbox()
      // A record only on the phone has no version: the item creates it (base_version null).
      await saveUpsert(outbox, owner, options.kind, record, options.storedVersion(), v.lastPullAt, options.itemId())
      saved.value = true
      await refresh()
      toast(options.savedMessage())
      await router.replace(options.itemId() ? { name: 'outbox' } : options.after(record, f))
    } catch (error) {
      if (error instanceof EditBlocked) {
        toast(error.reason === 'busy' ? t('edit.busy') : t('edit.conflictFirst'))
        if (error.reason === 'conflict') void router.push({ name: 'conflict', params: { id: error.itemId } })
      } else {
        toast(t('form.saveFailed', { message: error instanceof Error ? error.message : String(error) }))
      }
    } finally {
      saving.value = false
    }
  }

  onBeforeRouteLeave(async () => {
    if (!dirty.value || saved.value) return true
    return confirm({ message: t('edit.unsaved') })
  })

  return { view, refresh, form, blocker, serverErrors, errors, err, saving, opened, touched, save, back }
}
