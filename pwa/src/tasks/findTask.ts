// One task by id: the pulled copy first (so it works offline), else the server; null if neither has it.
import { api } from '../api'
import { useOutbox } from '../sync'

export async function findTask(id: string): Promise<unknown> {
  try {
    const pulled = await (await useOutbox()).store.getEntity('task', id)
    if (pulled) return pulled
  } catch {
    // No outbox (storage blocked): ask the server.
  }
  return api.get<unknown>(`/tasks/${encodeURIComponent(id)}`).then(
    (raw) => (raw && typeof raw === 'object' && 'task' in raw ? (raw as { task: unknown }).task : raw),
    () => null,
  )
}
