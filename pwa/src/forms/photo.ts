// A picked photo made small before it is queued: ≤ 1600 px on the long side, JPEG, no metadata.
import { fitWithin } from './values'

export const PHOTO_MAX_SIDE = 1600
export const PHOTO_QUALITY = 0.82

export class PhotoReadError extends Error {
  override name = 'PhotoReadError'
}

function loadImage(file: Blob): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(file)
    const img = new Image()
    img.onload = () => {
      URL.revokeObjectURL(url)
      resolve(img)
    }
    img.onerror = () => {
      URL.revokeObjectURL(url)
      reject(new PhotoReadError('the image could not be decoded'))
    }
    // An <img> applies the EXIF rotation (Chrome 81+, Safari 13.1+), so the canvas gets it upright.
    img.src = url
  })
}

/**
 * Redraw the photo on a canvas at most PHOTO_MAX_SIDE wide or high and encode it as JPEG.
 * Re-encoding also drops EXIF (GPS included): location lives only in the record's own fields.
 */
export async function downscaleToJpeg(file: Blob, maxSide = PHOTO_MAX_SIDE, quality = PHOTO_QUALITY): Promise<Blob> {
  const img = await loadImage(file)
  const { width, height } = fitWithin(img.naturalWidth, img.naturalHeight, maxSide)
  if (!width || !height) throw new PhotoReadError('the image is empty')
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new PhotoReadError('no canvas')
  // JPEG has no transparency: a PNG screenshot's clear parts become white, not black.
  ctx.fillStyle = '#fff'
  ctx.fillRect(0, 0, width, height)
  ctx.drawImage(img, 0, 0, width, height)
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality))
  // Free the bitmap memory at once: cheap phones hold only a few 12 MP decodes.
  canvas.width = 0
  canvas.height = 0
  if (!blob) throw new PhotoReadError('the image could not be encoded')
  return blob
}
