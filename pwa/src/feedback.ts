// Vant's dialog and toast, in their own lazy chunk: the first screen needs neither.
import { showConfirmDialog, showToast } from 'vant'
import 'vant/es/dialog/style/index'
import 'vant/es/toast/style/index'

export interface ConfirmOptions {
  title?: string
  message: string
  confirmText?: string
  cancelText?: string
}

/** Resolve true on confirm, false on cancel (Vant rejects on cancel). */
export async function confirm(options: ConfirmOptions): Promise<boolean> {
  try {
    await showConfirmDialog({
      title: options.title,
      message: options.message,
      confirmButtonText: options.confirmText,
      cancelButtonText: options.cancelText,
    })
    return true
  } catch {
    return false
  }
}

export function toast(message: string): void {
  showToast(message)
}
