// The heights the home's sections took last time, by room, so that while a section still loads
// (its chunk, the phone's register, the pulled campaigns) it holds that much room and nothing
// under the worker's finger jumps when it arrives (issue 16: CLS <= 0.1).
const KEY = 'gw.homeRooms'
/** Beyond this a stored height is not one a home section takes: ignore it. */
const MAX_PX = 5000

type Rooms = Record<string, number>

function read(storage: Storage): Rooms {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(KEY) ?? '{}')
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Rooms) : {}
  } catch {
    return {}
  }
}

function local(): Storage | null {
  try {
    return globalThis.localStorage ?? null
  } catch {
    return null // storage blocked: nothing is held, which only costs a shift
  }
}

export function heldHeight(room: string, storage: Storage | null = local()): number {
  if (!storage) return 0
  const value = read(storage)[room]
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value < MAX_PX ? value : 0
}

export function holdHeight(room: string, px: number, storage: Storage | null = local()): void {
  if (!storage || !(px > 0) || px >= MAX_PX) return
  const rooms = read(storage)
  const rounded = Math.round(px)
  if (rooms[room] === rounded) return
  rooms[room] = rounded
  try {
    storage.setItem(KEY, JSON.stringify(rooms))
  } catch {
    // Quota or blocked storage: the next start holds the old room, or none.
  }
}
