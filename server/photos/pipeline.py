"""Turning uploaded image bytes into the two JPEGs we keep: checked by content, upright, stripped.

Pure image work, no Flask: the service maps `PhotoRejected` to the JSON error envelope, and the
benchmark calls `process()` directly. The original upload is never kept: only a re-encoded
JPEG ≤ 2048 px (`full`) and a 320 px one (`thumb`), with no EXIF, XMP or ICC profile left.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass
from functools import lru_cache

import pillow_heif
from PIL import ExifTags, Image, ImageCms, UnidentifiedImageError

# iPhones shoot HEIC; libheif decodes it. Thumbnails, depth maps and aux images are never used.
pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)
# Pillow only *warns* between MAX_IMAGE_PIXELS and twice it: in this process that is an error.
warnings.filterwarnings("error", category=Image.DecompressionBombWarning)

ACCEPTED = ("JPEG", "PNG", "WEBP", "HEIF")
FULL_SIDE = 2048
MIN_FULL_SIDE = 1600
THUMB_SIDE = 320
FULL_QUALITY = 85
THUMB_QUALITY = 80
DEFAULT_MAX_PIXELS = 50_000_000

HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1"})
AVIF_BRANDS = frozenset({b"avif", b"avis"})

# Same table as ImageOps.exif_transpose; applied after the downscale, where it costs 1/4 as much.
_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

_SUPPORTED_ZH = "只支持 JPEG、PNG、WebP、HEIC 格式的照片"
_SUPPORTED_EN = "Only JPEG, PNG, WebP and HEIC photos are accepted"


class PhotoRejected(Exception):
    """An upload we refuse, with the status and a message in both languages."""

    def __init__(self, status: int, code: str, zh: str, en: str):
        super().__init__(en)
        self.status = status
        self.code = code
        self.zh = zh
        self.en = en


@dataclass(frozen=True)
class Processed:
    """What is stored for one photo: two clean JPEGs and the full one's size."""

    full: bytes
    thumb: bytes
    width: int
    height: int
    source_format: str


def sniff(data: bytes) -> str | None:
    """The format the leading bytes claim (the name and Content-Type are never trusted)."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp":
        return _iso_brand(data)
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:2] == b"BM":
        return "BMP"
    if data[:4] in (b"II*\0", b"MM\0*"):
        return "TIFF"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<") and b"<svg" in head:
        return "SVG"
    return None


def _iso_brand(data: bytes) -> str | None:
    """HEIF or AVIF from an ISO-BMFF `ftyp` box (major brand, then compatible brands)."""
    (size,) = struct.unpack(">I", data[:4])
    box = data[8 : min(max(size, 16), 256)]
    brands = {box[i : i + 4] for i in range(0, len(box) - 3, 4) if i != 4}  # skip minor_version
    major = box[:4]
    if major in AVIF_BRANDS or (brands & AVIF_BRANDS and not brands & (HEIF_BRANDS - {b"mif1"})):
        return "AVIF"
    if brands & HEIF_BRANDS:
        return "HEIF"
    return None


def _refused(fmt: str | None) -> PhotoRejected:
    if fmt is None:
        return PhotoRejected(415, "not_an_image", "这不是图片文件", "This is not an image file")
    if fmt == "GIF":
        # A GIF is not a camera photo, and an animation's first frame is no evidence of what was seen.
        return PhotoRejected(
            415,
            "unsupported_image_format",
            "不支持 GIF 动图，请上传 JPEG、PNG、WebP 或 HEIC 格式的照片",
            f"GIF images are not accepted. {_SUPPORTED_EN}",
        )
    if fmt == "SVG":
        return PhotoRejected(
            415,
            "unsupported_image_format",
            f"不支持 SVG 矢量图，{_SUPPORTED_ZH}",
            f"SVG drawings are not accepted. {_SUPPORTED_EN}",
        )
    return PhotoRejected(415, "unsupported_image_format", _SUPPORTED_ZH, _SUPPORTED_EN)


def _too_many_pixels(max_pixels: int) -> PhotoRejected:
    return PhotoRejected(
        422,
        "image_too_large",
        f"图片像素过多（上限 {max_pixels // 10_000} 万像素），请缩小后再传",
        f"The image has too many pixels (limit {max_pixels / 1_000_000:g} megapixels); scale it down",
    )


def _broken() -> PhotoRejected:
    return PhotoRejected(
        422,
        "broken_image",
        "图片已损坏或不完整，请重新拍摄",
        "The image is damaged or incomplete; take it again",
    )


def empty() -> PhotoRejected:
    return PhotoRejected(
        422, "empty_photo", "照片是空的（0 字节），请重新拍摄", "The photo is empty (0 bytes); take it again"
    )


def fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    """The size within side × side keeping the aspect ratio; never enlarged."""
    width, height = size
    longest = max(width, height)
    if longest <= side:
        return width, height
    scale = side / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


def process(data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS) -> Processed:
    """Check the bytes by content and make the stored JPEGs; PhotoRejected when we refuse them."""
    if not data:
        raise empty()
    fmt = sniff(data)
    if fmt not in ACCEPTED:
        raise _refused(fmt)
    # Pillow's own limit stays a backstop: the smaller cap wins.
    cap = min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)
    try:
        # Only the plugin the magic named may parse it: a polyglot cannot pick another decoder.
        with Image.open(io.BytesIO(data), formats=[fmt]) as source:
            width, height = source.size
            if width < 1 or height < 1:
                raise _broken()
            if width * height > cap:
                raise _too_many_pixels(cap)
            if fmt in ("PNG", "WEBP") and getattr(source, "is_animated", False):
                raise PhotoRejected(
                    415,
                    "animated_image",
                    "不支持动图，请上传照片",
                    "Animated images are not accepted; send a photo",
                )
            full = _upright_full(source)
    except PhotoRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(cap) from None
    except UnidentifiedImageError:
        # The magic named a format its decoder does not recognise: a damaged file.
        raise _broken() from None
    except (OSError, SyntaxError, ValueError, EOFError, struct.error):
        raise _broken() from None
    thumb = full.resize(fit(full.size, THUMB_SIDE), Image.Resampling.BICUBIC, reducing_gap=2.0)
    return Processed(
        full=_jpeg(full, FULL_QUALITY, progressive=True),
        thumb=_jpeg(thumb, THUMB_QUALITY, progressive=False),
        width=full.width,
        height=full.height,
        source_format=fmt,
    )


def _upright_full(source: Image.Image) -> Image.Image:
    """Decode at the size we keep, flatten to 8-bit RGB in sRGB, then turn it upright.

    The full variant is at most FULL_SIDE (2048) px long and, from a bigger source, at least
    MIN_FULL_SIDE (1600, what phones send). A JPEG decodes at the smallest 1/2…1/8 DCT scale
    that still gives 1600 px; when that lands within 2048 px it is kept as is (a 12 MP photo
    becomes 2016×1512), which skips resampling 12 MP: under half the time and 60 % of the
    memory of resampling to exactly 2048 px (bench/photos.py). Anything else is resampled
    to exactly 2048 px.
    """
    orientation = _orientation(source)
    icc = source.info.get("icc_profile")
    original = source.size
    if source.format in ("JPEG", "MPO"):
        # Ask for the real size wanted (a square box would never qualify a 4:3 photo for 1/2).
        source.draft(None, fit(original, MIN_FULL_SIDE))
    source.load()  # truncated or corrupt data fails here, not half-way through a save
    image = _eight_bit(source)
    if max(image.size) > FULL_SIDE:
        image = image.resize(fit(original, FULL_SIDE), Image.Resampling.BICUBIC, reducing_gap=2.0)
    image = _to_srgb(image, icc)
    if orientation in _ORIENTATION:
        image = image.transpose(_ORIENTATION[orientation])
    return image


def _orientation(image: Image.Image) -> int:
    """EXIF orientation (1 when absent or unreadable; HEIF is already turned by libheif)."""
    try:
        value = image.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:  # a mangled EXIF block must not cost the photo
        return 1
    return value if isinstance(value, int) else 1


def _eight_bit(image: Image.Image) -> Image.Image:
    """L, RGB or CMYK with 8 bits per channel; transparency composited onto white like the phone."""
    mode = image.mode
    if mode in ("L", "RGB", "CMYK"):
        return image
    if mode == "1":
        return image.convert("L")
    if mode.startswith("I;16") or mode == "I":
        # 16-bit grey: a plain convert clips everything above 255 to white; scale instead.
        wide = image.convert("I")
        top = wide.getextrema()[1]
        return wide.point(lambda v: v / 256).convert("L") if top > 255 else wide.convert("L")
    if mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif mode in ("LA", "PA", "La", "RGBa"):
        image = image.convert("RGBA")
    if image.mode == "RGBA":
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image if image.mode in ("L", "RGB") else image.convert("RGB")


@lru_cache(maxsize=16)
def _transform_to_srgb(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """A cached colour transform into sRGB; None when the profile already is sRGB."""
    source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    description = (ImageCms.getProfileDescription(source) or "").strip().lower()
    if mode in ("RGB", "L") and description.startswith("srgb"):
        return None
    # NOCACHE: the one-pixel cache in a LittleCMS transform is not safe across request threads.
    return ImageCms.buildTransform(
        source,
        ImageCms.createProfile("sRGB"),
        mode,
        "RGB",
        renderingIntent=ImageCms.Intent.PERCEPTUAL,
        flags=ImageCms.Flags.NOCACHE,
    )


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """RGB in sRGB: the profile is applied, then dropped (browsers assume sRGB without one)."""
    if icc:
        try:
            transform = _transform_to_srgb(bytes(icc), image.mode)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            transform = None  # a broken or mismatched profile: fall back to the plain conversion
        else:
            if transform is not None:
                return ImageCms.applyTransform(image, transform)
    return image if image.mode == "RGB" else image.convert("RGB")


def _jpeg(image: Image.Image, quality: int, progressive: bool) -> bytes:
    """Encode with no metadata at all: nothing from the upload's info travels along."""
    image.info = {}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=progressive)
    return out.getvalue()
