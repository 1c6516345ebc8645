// Phone-side photo preparation: downscale, turn upright, re-encode as JPEG before queueing.
export { preparePhoto, browserPlatform, supportsResizeOptions } from './prepare'
export type { DecodedPhoto, PhotoPlatform, PreparedPhoto, PrepareOptions } from './prepare'
export { PHOTO_JPEG_QUALITY, PHOTO_MAX_SIDE, probeImage, targetSize, uprightSize } from './probe'
export type { ImageProbe, Size } from './probe'
