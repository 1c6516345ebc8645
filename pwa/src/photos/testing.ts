// Test helper: hand-made image headers (imported only by the photos tests).

/** A JPEG head: SOI, an APP1 Exif with the orientation (either byte order), then SOF0. */
export function jpegHead(
  width: number,
  height: number,
  orientation?: number,
  order: 'II' | 'MM' = 'MM',
): Uint8Array<ArrayBuffer> {
  const bytes: number[] = [0xff, 0xd8]
  const u16 = (v: number) => (order === 'MM' ? [v >> 8, v & 0xff] : [v & 0xff, v >> 8])
  const u32 = (v: number) => (order === 'MM' ? [0, 0, v >> 8, v & 0xff] : [v & 0xff, v >> 8, 0, 0])
  if (orientation !== undefined) {
    const tiff = [
      ...[...order].map((c) => c.charCodeAt(0)),
      ...u16(42),
      ...u32(8),
      ...u16(2), // two entries: Make (ignored), then Orientation
      ...u16(0x010f),
      ...u16(2),
      ...u32(4),
      0x47,
      0x57,
      0x31,
      0,
      ...u16(0x0112),
      ...u16(3),
      ...u32(1),
      ...u16(orientation),
      0,
      0,
      ...u32(0),
    ]
    const body = [...'Exif'].map((c) => c.charCodeAt(0)).concat([0, 0], tiff)
    bytes.push(0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body)
  }
  bytes.push(0xff, 0xdb, 0x00, 0x04, 0x00, 0x00) // a (tiny) quantisation table segment
  bytes.push(0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03)
  bytes.push(...new Array(9).fill(0), 0xff, 0xda)
  return new Uint8Array(bytes)
}
