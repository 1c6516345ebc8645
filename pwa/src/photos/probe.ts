// Pure sums and header reading for the phone-side downscale: no DOM, tested in Node.

/** Long side of the photo the phone queues (the server keeps ≤ 2048 px, so this is never upscaled). */
export const PHOTO_MAX_SIDE = 1600
/** JPEG quality: about 250–400 kB for a 12 MP phone photo at 1600 px. */
export const PHOTO_JPEG_QUALITY = 0.8
/** How much of a file is read to find its size: EXIF with a thumbnail can push SOF past 64 kB. */
export const PROBE_BYTES = 256 * 1024

export interface Size {
  width: number
  height: number
}

export interface ImageProbe extends Size {
  /** EXIF orientation 1–8 (1 when absent). */
  orientation: number
}

/** The size within maxSide × maxSide keeping the aspect ratio; never enlarged. */
export function targetSize(size: Size, maxSide: number = PHOTO_MAX_SIDE): Size {
  const { width, height } = size
  const long = Math.max(width, height)
  if (!(long > maxSide)) return { width, height }
  const scale = maxSide / long
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
}

/** The size as shown: orientations 5–8 turn the stored picture by 90°. */
export function uprightSize(probe: ImageProbe): Size {
  return probe.orientation >= 5 && probe.orientation <= 8
    ? { width: probe.height, height: probe.width }
    : { width: probe.width, height: probe.height }
}

/**
 * Width, height and EXIF orientation from the first bytes of a JPEG, PNG, WebP or GIF; null for
 * anything else (HEIC, damaged files), which then takes the full-decode path.
 */
export function probeImage(bytes: Uint8Array): ImageProbe | null {
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xd8) return probeJpeg(bytes)
    if (ascii(bytes, 1, 3) === 'PNG' && ascii(bytes, 12, 4) === 'IHDR') {
      return sized(u32be(bytes, 16), u32be(bytes, 20), 1)
    }
    if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return probeWebp(bytes)
    if (ascii(bytes, 0, 4) === 'GIF8') return sized(u16le(bytes, 6), u16le(bytes, 8), 1)
  } catch {
    // A header cut short: treat it as unknown.
  }
  return null
}

function probeJpeg(bytes: Uint8Array): ImageProbe | null {
  let orientation = 1
  let i = 2
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return null
    const marker = bytes[i + 1]
    if (marker === 0xff) {
      i += 1 // fill byte
      continue
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2 // no length
      continue
    }
    if (marker === 0xd9 || marker === 0xda) return null // image data before any frame header
    const length = u16be(bytes, i + 2)
    const body = i + 4
    if (marker === 0xe1 && ascii(bytes, body, 4) === 'Exif') {
      orientation = exifOrientation(bytes, body + 6, Math.min(bytes.length, i + 2 + length)) ?? orientation
    }
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return sized(u16be(bytes, body + 3), u16be(bytes, body + 1), orientation)
    }
    i += 2 + length
  }
  return null
}

/** Tag 0x0112 of IFD0 in a TIFF structure starting at `tiff`. */
function exifOrientation(bytes: Uint8Array, tiff: number, end: number): number | null {
  const order = ascii(bytes, tiff, 2)
  if (order !== 'II' && order !== 'MM') return null
  const little = order === 'II'
  const u16 = (at: number) => (little ? u16le(bytes, at) : u16be(bytes, at))
  const u32 = (at: number) => (little ? u32le(bytes, at) : u32be(bytes, at))
  const ifd = tiff + u32(tiff + 4)
  if (ifd + 2 > end) return null
  const count = u16(ifd)
  for (let n = 0; n < count; n++) {
    const entry = ifd + 2 + n * 12
    if (entry + 12 > end) return null
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8)
      return value >= 1 && value <= 8 ? value : null
    }
  }
  return null
}

function probeWebp(bytes: Uint8Array): ImageProbe | null {
  const chunk = ascii(bytes, 12, 4)
  if (chunk === 'VP8X') return sized(1 + u24le(bytes, 24), 1 + u24le(bytes, 27), 1)
  if (chunk === 'VP8 ') return sized(u16le(bytes, 26) & 0x3fff, u16le(bytes, 28) & 0x3fff, 1)
  if (chunk === 'VP8L') {
    const bits = u32le(bytes, 21)
    return sized((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1, 1)
  }
  return null
}

function sized(width: number, height: number, orientation: number): ImageProbe | null {
  return width > 0 && height > 0 ? { width, height, orientation } : null
}

function need(bytes: Uint8Array, at: number, n: number): void {
  if (at < 0 || at + n > bytes.length) throw new RangeError('header cut short')
}

function ascii(bytes: Uint8Array, at: number, n: number): string {
  if (at + n > bytes.length) return ''
  return String.fromCharCode(...bytes.subarray(at, at + n))
}

function u16be(b: Uint8Array, at: number): number {
  need(b, at, 2)
  return (b[at] << 8) | b[at + 1]
}

function u16le(b: Uint8Array, at: number): number {
  need(b, at, 2)
  return b[at] | (b[at + 1] << 8)
}

function u24le(b: Uint8Array, at: number): number {
  need(b, at, 3)
  return b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)
}

function u32be(b: Uint8Array, at: number): number {
  need(b, at, 4)
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0
}

function u32le(b: Uint8Array, at: number): number {
  need(b, at, 4)
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0
}
