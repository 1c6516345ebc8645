// The height the home's due lists took last time, so their placeholder holds that much room and
// nothing under the worker's finger jumps when they arrive (issue 16: CLS <= 0.1).
const KEY = 'gw.homeDueHeight'

export function rememberedDueHeight(): number {
  try {
    const value = Number(localStorage.getItem(KEY))
    return Number.isFinite(value) && value > 0 && value < 5000 ? value : 0
  } catch {
    return 0
  }
}

export function rememberDueHeight(px: number): void {
  try {
    if (px > 0) localStorage.setItem(KEY, String(Math.round(px)))
  } catch {
    // Storage blocked: the next start reserves nothing, which only costs a shift.
  }
}
