// Target sizes and header reading: what decides how big a queued photo is and which way up.
import { describe, expect, it } from 'vitest'
import { probeImage, targetSize, uprightSize } from './probe'
import { jpegHead } from './testing'

function fromHex(hex: string): Uint8Array {
  return new Uint8Array(hex.match(/../g)!.map((h) => parseInt(h, 16)))
}

describe('targetSize', () => {
  it.each([
    [
      { width: 4032, height: 3024 },
      { width: 1600, height: 1200 },
    ],
    [
      { width: 3024, height: 4032 },
      { width: 1200, height: 1600 },
    ],
    [
      { width: 4000, height: 4000 },
      { width: 1600, height: 1600 },
    ],
    [
      { width: 8000, height: 1000 },
      { width: 1600, height: 200 },
    ],
    [
      { width: 1601, height: 1 },
      { width: 1600, height: 1 },
    ], // never rounds to nothing
    [
      { width: 1600, height: 1200 },
      { width: 1600, height: 1200 },
    ], // already small: unchanged
    [
      { width: 640, height: 480 },
      { width: 640, height: 480 },
    ], // never enlarged
  ])('fits %o within 1600 px as %o', (size, expected) => {
    expect(targetSize(size)).toEqual(expected)
  })

  it('takes another limit', () => {
    expect(targetSize({ width: 4032, height: 3024 }, 320)).toEqual({ width: 320, height: 240 })
  })
})

describe('uprightSize', () => {
  it.each([1, 2, 3, 4])('keeps width and height for orientation %i', (orientation) => {
    expect(uprightSize({ width: 4032, height: 3024, orientation })).toEqual({ width: 4032, height: 3024 })
  })
  it.each([5, 6, 7, 8])('swaps them for orientation %i (turned by 90°)', (orientation) => {
    expect(uprightSize({ width: 4032, height: 3024, orientation })).toEqual({ width: 3024, height: 4032 })
  })
})

describe('probeImage', () => {
  it('reads a JPEG frame header and its EXIF orientation in both byte orders', () => {
    expect(probeImage(jpegHead(4032, 3024, 6, 'MM'))).toEqual({ width: 4032, height: 3024, orientation: 6 })
    expect(probeImage(jpegHead(4032, 3024, 8, 'II'))).toEqual({ width: 4032, height: 3024, orientation: 8 })
    expect(probeImage(jpegHead(640, 480))).toEqual({ width: 640, height: 480, orientation: 1 })
  })

  it('ignores an orientation outside 1–8', () => {
    expect(probeImage(jpegHead(100, 50, 42))).toEqual({ width: 100, height: 50, orientation: 1 })
  })

  it('reads PNG, WebP (lossy, lossless, extended) and GIF headers', () => {
    const png = fromHex('89504e470d0a1a0a0000000d49484452' + '00000fc0' + '00000bd0' + '0806000000')
    expect(probeImage(png)).toEqual({ width: 4032, height: 3024, orientation: 1 })
    // 'VP8 ': frame tag, start code 9d012a, then 14-bit width and height.
    const lossy = fromHex('52494646000000005745425056503820' + '00000000' + '000000' + '9d012a' + 'c00f' + 'd00b')
    expect(probeImage(lossy)).toEqual({ width: 4032, height: 3024, orientation: 1 })
    // 'VP8L': signature 2f, then (width-1) and (height-1) in 14 bits each, little-endian.
    const bits = (640 - 1) | ((480 - 1) << 14)
    const lossless = new Uint8Array([
      ...fromHex('5249464600000000574542505650384c' + '00000000' + '2f'),
      bits & 0xff,
      (bits >> 8) & 0xff,
      (bits >> 16) & 0xff,
      (bits >>> 24) & 0xff,
    ])
    expect(probeImage(lossless)).toEqual({ width: 640, height: 480, orientation: 1 })
    // 'VP8X': flags and reserved, then canvas (width-1) and (height-1) in 24 bits each.
    const extended = fromHex('52494646000000005745425056503858' + '0a000000' + '00000000' + 'bf0f00' + 'cf0b00')
    expect(probeImage(extended)).toEqual({ width: 4032, height: 3024, orientation: 1 })
    expect(probeImage(fromHex('474946383961' + '4001' + 'f000'))).toEqual({ width: 320, height: 240, orientation: 1 })
  })

  it('knows nothing of HEIC, text, empty or cut-short files', () => {
    expect(probeImage(fromHex('0000001c667479706865696300000000'))).toBeNull() // ....ftypheic
    expect(probeImage(new TextEncoder().encode('not a photo'))).toBeNull()
    expect(probeImage(new Uint8Array())).toBeNull()
    expect(probeImage(jpegHead(4032, 3024, 6).subarray(0, 30))).toBeNull()
    expect(probeImage(fromHex('89504e470d0a1a0a0000000d49484452' + '0000'))).toBeNull()
  })

  it('does not mistake a zero-sized frame for a size', () => {
    expect(probeImage(jpegHead(0, 3024))).toBeNull()
  })
})
