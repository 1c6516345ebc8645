// 大字模式: the worker's text size (适老化: adjustable type, line spacing >= 1.3), kept on the phone.
import { ref } from 'vue'

export const TEXT_SIZES = ['standard', 'large', 'larger'] as const
export type TextSize = (typeof TEXT_SIZES)[number]

const KEY = 'gw.textSize'

function stored(): TextSize {
  try {
    const value = localStorage.getItem(KEY)
    return (TEXT_SIZES as readonly string[]).includes(value ?? '') ? (value as TextSize) : 'standard'
  } catch {
    return 'standard' // storage blocked: the default size, never a blank screen
  }
}

export const textSize = ref<TextSize>(stored())

/** Paint the chosen size: theme.css scales the whole page from the root's data-text-size. */
export function applyTextSize(size: TextSize = textSize.value): void {
  document.documentElement.dataset.textSize = size
}

export function setTextSize(size: TextSize): void {
  textSize.value = size
  try {
    localStorage.setItem(KEY, size)
  } catch {
    // Not saved across restarts on this phone; the size still applies now.
  }
  applyTextSize(size)
}
