// Handing a downloaded export to the browser as a file: the name the server gave, else a fallback.
import type { DownloadedFile } from '../api'

/** Save the file through a blob: URL (the CSP allows it; the bytes are already here). */
export function saveFile(file: DownloadedFile, fallbackName: string): string {
  const name = file.filename || fallbackName
  const url = URL.createObjectURL(file.blob)
  const link = document.createElement('a')
  link.href = url
  link.download = name
  link.rel = 'noopener'
  document.body.appendChild(link)
  link.click()
  link.remove()
  // Some browsers read the URL after click() returns: revoke later, not now.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
  return name
}
