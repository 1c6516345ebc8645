// The downscale flow with a fake browser: what is queued when decoding or encoding works or fails.
import { describe, expect, it } from 'vitest'
import { preparePhoto } from './prepare'
import type { DecodedPhoto, PhotoPlatform } from './prepare'
import type { Size } from './probe'
import { jpegHead } from './testing'

interface Calls {
  decodedWith: (Size | null)[]
  encodedAt: { size: Size; quality: number }[]
  closed: number
}

/** A browser that decodes to `decoded` (upright size) and encodes to a blob of `type`. */
function fakeBrowser(options: {
  decoded?: Size | null
  decodeThrows?: boolean
  type?: string
  encodeThrows?: boolean
  encodeNull?: boolean
}): { platform: PhotoPlatform; calls: Calls } {
  const calls: Calls = { decodedWith: [], encodedAt: [], closed: 0 }
  const platform: PhotoPlatform = {
    async decode(_file, target) {
      calls.decodedWith.push(target)
      if (options.decodeThrows) throw new DOMException('The source image could not be decoded.', 'InvalidStateError')
      if (options.decoded === null) return null
      const size = options.decoded ?? target ?? { width: 100, height: 100 }
      const photo: DecodedPhoto = { ...size, source: {} as CanvasImageSource, close: () => void calls.closed++ }
      return photo
    },
    async encode(_photo, size, quality) {
      calls.encodedAt.push({ size, quality })
      if (options.encodeThrows) throw new Error('canvas too big')
      if (options.encodeNull) return null
      return new Blob([new Uint8Array(12_345)], { type: options.type ?? 'image/jpeg' })
    },
  }
  return { platform, calls }
}

function cameraJpeg(width = 4032, height = 3024, orientation = 6): Blob {
  return new Blob([jpegHead(width, height, orientation), new Uint8Array(50_000)], { type: 'image/jpeg' })
}

describe('preparePhoto', () => {
  it('asks the browser for the upright 1600 px size and queues the JPEG it makes', async () => {
    const { platform, calls } = fakeBrowser({})
    const result = await preparePhoto(cameraJpeg(), { platform })
    // Orientation 6: the 4032×3024 sensor picture is shown 3024×4032, so 1200×1600.
    expect(calls.decodedWith).toEqual([{ width: 1200, height: 1600 }])
    expect(calls.encodedAt).toEqual([{ size: { width: 1200, height: 1600 }, quality: 0.8 }])
    expect(result).toMatchObject({ width: 1200, height: 1600, bytes: 12_345, converted: true })
    expect(result.blob.type).toBe('image/jpeg')
    expect(calls.closed).toBe(1) // the bitmap's memory is freed at once
  })

  it('scales a full-size decode down when the browser could not resize while decoding', async () => {
    const { platform, calls } = fakeBrowser({ decoded: { width: 3024, height: 4032 } })
    const result = await preparePhoto(cameraJpeg(), { platform })
    expect(calls.encodedAt[0].size).toEqual({ width: 1200, height: 1600 })
    expect(result).toMatchObject({ width: 1200, height: 1600, converted: true })
  })

  it('re-encodes a small photo too (that drops its EXIF and GPS) but never enlarges it', async () => {
    const { platform, calls } = fakeBrowser({})
    const result = await preparePhoto(cameraJpeg(800, 600, 1), { platform })
    expect(calls.decodedWith).toEqual([{ width: 800, height: 600 }])
    expect(result).toMatchObject({ width: 800, height: 600, converted: true })
  })

  it('decodes a file it cannot read the header of (HEIC in Safari) without a size hint', async () => {
    const heic = new Blob([new Uint8Array([0, 0, 0, 0x1c, 0x66, 0x74, 0x79, 0x70, 0x68, 0x65, 0x69, 0x63])], {
      type: 'image/heic',
    })
    const { platform, calls } = fakeBrowser({ decoded: { width: 4032, height: 3024 } })
    const result = await preparePhoto(heic, { platform })
    expect(calls.decodedWith).toEqual([null])
    expect(result).toMatchObject({ width: 1600, height: 1200, converted: true })
  })

  it.each([
    ['cannot decode it (HEIC in Chrome)', { decoded: null }],
    ['throws while decoding', { decodeThrows: true }],
    ['cannot encode', { encodeNull: true }],
    ['throws while encoding', { encodeThrows: true }],
    ['writes PNG instead of JPEG', { type: 'image/png' }],
  ])('passes the original on unchanged when the browser %s', async (_what, options) => {
    const original = cameraJpeg()
    const { platform } = fakeBrowser(options)
    const result = await preparePhoto(original, { platform })
    expect(result).toEqual({ blob: original, width: null, height: null, bytes: original.size, converted: false })
  })

  it('frees the decoded picture even when encoding fails', async () => {
    const { platform, calls } = fakeBrowser({ encodeThrows: true })
    await preparePhoto(cameraJpeg(), { platform })
    expect(calls.closed).toBe(1)
  })

  it('takes another size and quality', async () => {
    const { platform, calls } = fakeBrowser({})
    await preparePhoto(cameraJpeg(4032, 3024, 1), { platform, maxSide: 1024, quality: 0.7 })
    expect(calls.encodedAt).toEqual([{ size: { width: 1024, height: 768 }, quality: 0.7 }])
  })
})
