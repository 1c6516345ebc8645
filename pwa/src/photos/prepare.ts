// A picked photo made small before it is queued: ≤ 1600 px on the long side, upright, JPEG.
// Re-encoding also drops EXIF (GPS included): location lives only in the record's own fields.
// What the browser cannot decode (HEIC on most Android browsers) is queued as it is: the server
// converts it. The outbox's addPhoto hashes whatever blob this returns.
import { PHOTO_JPEG_QUALITY, PHOTO_MAX_SIDE, PROBE_BYTES, probeImage, targetSize, uprightSize } from './probe'
import type { Size } from './probe'

export interface PreparedPhoto {
  /** What to queue: the JPEG, or the original file when converted is false. */
  blob: Blob
  /** Pixel size of the JPEG; null when the original is passed on unconverted. */
  width: number | null
  height: number | null
  bytes: number
  converted: boolean
}

/** A decoded picture, already upright; close() frees its pixels at once. */
export interface DecodedPhoto extends Size {
  source: CanvasImageSource
  close(): void
}

/** The browser work, behind an interface so the flow is tested in Node with fakes. */
export interface PhotoPlatform {
  /**
   * Decode the file upright, at `target` when the browser can resize while decoding (that
   * saves a full-size bitmap: 48 MB for 12 MP on a cheap phone). Null when it cannot decode.
   */
  decode(file: Blob, target: Size | null): Promise<DecodedPhoto | null>
  /** Draw at `size` on white and encode as JPEG; null when the browser cannot. */
  encode(photo: DecodedPhoto, size: Size, quality: number): Promise<Blob | null>
}

export interface PrepareOptions {
  maxSide?: number
  quality?: number
  platform?: PhotoPlatform
}

export async function preparePhoto(file: Blob, options: PrepareOptions = {}): Promise<PreparedPhoto> {
  const maxSide = options.maxSide ?? PHOTO_MAX_SIDE
  const quality = options.quality ?? PHOTO_JPEG_QUALITY
  const platform = options.platform ?? browserPlatform
  const unchanged: PreparedPhoto = { blob: file, width: null, height: null, bytes: file.size, converted: false }

  let target: Size | null = null
  try {
    const probe = probeImage(new Uint8Array(await file.slice(0, PROBE_BYTES).arrayBuffer()))
    if (probe) target = targetSize(uprightSize(probe), maxSide)
  } catch {
    // Unreadable header: decode without a size hint.
  }
  let photo: DecodedPhoto | null
  try {
    photo = await platform.decode(file, target)
  } catch {
    photo = null
  }
  if (!photo) return unchanged
  try {
    const size = targetSize(photo, maxSide)
    const blob = await platform.encode(photo, size, quality)
    // Safari quietly writes PNG for types it cannot encode: only a real JPEG replaces the file.
    if (!blob || blob.type !== 'image/jpeg' || blob.size === 0) return unchanged
    return { blob, width: size.width, height: size.height, bytes: blob.size, converted: true }
  } catch {
    return unchanged
  } finally {
    photo.close()
  }
}

// ---- the browser's side ------------------------------------------------------------------

let resizeSupport: Promise<boolean> | null = null

/** Whether createImageBitmap honours resizeWidth/resizeHeight (older Safari and Firefox ignore them). */
export function supportsResizeOptions(): Promise<boolean> {
  resizeSupport ??= (async () => {
    try {
      const bitmap = await createImageBitmap(new ImageData(4, 4), { resizeWidth: 2, resizeHeight: 1 })
      const honoured = bitmap.width === 2 && bitmap.height === 1
      bitmap.close()
      return honoured
    } catch {
      return false
    }
  })()
  return resizeSupport
}

function fromBitmap(bitmap: ImageBitmap): DecodedPhoto {
  return { width: bitmap.width, height: bitmap.height, source: bitmap, close: () => bitmap.close() }
}

async function decodeWithImageBitmap(file: Blob, target: Size | null): Promise<DecodedPhoto | null> {
  if (typeof createImageBitmap !== 'function') return null
  if (target && (await supportsResizeOptions())) {
    try {
      const bitmap = await createImageBitmap(file, {
        imageOrientation: 'from-image',
        resizeWidth: target.width,
        resizeHeight: target.height,
        resizeQuality: 'high',
      })
      // A browser that resizes before turning the picture would hand back the wrong shape.
      if (bitmap.width === target.width && bitmap.height === target.height) return fromBitmap(bitmap)
      bitmap.close()
    } catch {
      // e.g. 'from-image' unknown to an older browser: try without the options below.
    }
  }
  try {
    return fromBitmap(await createImageBitmap(file, { imageOrientation: 'from-image' }))
  } catch {
    return null
  }
}

/** The oldest way: an <img> (browsers since 2020 apply EXIF orientation to it). */
async function decodeWithImageElement(file: Blob): Promise<DecodedPhoto | null> {
  if (typeof document === 'undefined') return null
  const url = URL.createObjectURL(file)
  const img = new Image()
  try {
    img.src = url
    await img.decode()
    if (!img.naturalWidth || !img.naturalHeight) return null
    return {
      width: img.naturalWidth,
      height: img.naturalHeight,
      source: img,
      close: () => img.removeAttribute('src'),
    }
  } catch {
    return null
  } finally {
    URL.revokeObjectURL(url)
  }
}

async function encodeJpeg(photo: DecodedPhoto, size: Size, quality: number): Promise<Blob | null> {
  const offscreen = typeof OffscreenCanvas !== 'undefined'
  const canvas = offscreen ? new OffscreenCanvas(size.width, size.height) : document.createElement('canvas')
  canvas.width = size.width
  canvas.height = size.height
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null
  if (!ctx) return null
  try {
    // JPEG has no transparency: a PNG screenshot's clear parts become white, not black.
    ctx.fillStyle = '#fff'
    ctx.fillRect(0, 0, size.width, size.height)
    ctx.imageSmoothingEnabled = true
    ctx.imageSmoothingQuality = 'high'
    ctx.drawImage(photo.source, 0, 0, size.width, size.height)
    if ('convertToBlob' in canvas) return await canvas.convertToBlob({ type: 'image/jpeg', quality })
    return await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality))
  } finally {
    // Free the canvas memory at once: cheap phones hold only a few 12 MP bitmaps.
    canvas.width = 0
    canvas.height = 0
  }
}

export const browserPlatform: PhotoPlatform = {
  async decode(file, target) {
    return (await decodeWithImageBitmap(file, target)) ?? (await decodeWithImageElement(file))
  },
  encode: encodeJpeg,
}
