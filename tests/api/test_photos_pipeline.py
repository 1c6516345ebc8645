"""The hostile and odd files of issue 5, one test each, through PUT /api/v1/photos/<sha256>.

Refused files answer 4xx with a clear zh-CN message and leave nothing behind (no row, no
file). Accepted ones are stored as a clean JPEG: upright, RGB, sRGB, with no metadata at all.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import Image

from server.extensions import db
from server.photos.models import Photo
from server.photos.store import photo_store
from tests.factories import install_forms, jpeg_bytes, org_with_users

# ---- making the files ---------------------------------------------------------------------


def png_by_hand(width: int, height: int, bit_depth: int, color_type: int, rows) -> bytes:
    """A PNG written with zlib: any header, any bit depth; `rows` yields raw scanlines."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    deflate = zlib.compressobj(9)
    idat = b"".join(deflate.compress(b"\0" + row) for row in rows) + deflate.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def with_segments(jpeg: bytes, segments: list[tuple[int, bytes]]) -> bytes:
    """Insert APPn segments right after SOI, as cameras write them."""
    extra = b"".join(
        b"\xff" + bytes([marker]) + struct.pack(">H", len(body) + 2) + body for marker, body in segments
    )
    return jpeg[:2] + extra + jpeg[2:]


def jpeg_markers(data: bytes) -> list[int]:
    """The markers before the image data (SOS), e.g. [0xE0, 0xDB, 0xC2, 0xC4, ...]."""
    assert data[:2] == b"\xff\xd8"
    markers, i = [], 2
    while i < len(data):
        marker = data[i + 1]
        markers.append(marker)
        if marker == 0xDA:
            break
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        i += 2 + length
    return markers


def noisy_jpeg(width: int, height: int, **save) -> bytes:
    out = io.BytesIO()
    Image.effect_noise((width, height), 60).convert("RGB").save(out, "JPEG", quality=90, **save)
    return out.getvalue()


def marked(size=(400, 200)) -> Image.Image:
    """White, with a red square in the stored (raw) top-left corner."""
    image = Image.new("RGB", size, (255, 255, 255))
    image.paste((220, 0, 0), (0, 0, 80, 80))
    return image


def gps_exif(**extra) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Gridwalk Test Phone"
    for tag, value in extra.items():
        exif[int(tag[1:])] = value
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (28.0, 40.0, 58.8), 3: "E", 4: (115.0, 51.0, 29.5)})
    return exif


def icc_swapped_primaries() -> bytes:
    """A small ICC v2 RGB profile whose red and green primaries are sRGB's green and red."""

    def s15(v: float) -> bytes:
        return struct.pack(">i", round(v * 65536))

    def xyz(x, y, z) -> bytes:
        return b"XYZ " + b"\0" * 4 + s15(x) + s15(y) + s15(z)

    text = b"Swapped primaries (test)\0"
    desc = b"desc" + b"\0" * 4 + struct.pack(">I", len(text)) + text + b"\0" * 8 + b"\0" * 3 + b"\0" * 67
    curve = b"curv" + b"\0" * 4 + struct.pack(">IH", 1, 0x0233) + b"\0\0"  # gamma 2.2
    tags = [
        (b"desc", desc),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.3851, 0.7169, 0.0971)),  # sRGB's green
        (b"gXYZ", xyz(0.4361, 0.2225, 0.0139)),  # sRGB's red
        (b"bXYZ", xyz(0.1431, 0.0606, 0.7141)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (
        struct.pack(">I", size)
        + b"\0" * 4
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 24
        + struct.pack(">I", 0)
        + xyz(0.9642, 1.0, 0.8249)[8:]
        + b"\0" * 48
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + body


# ---- the test frame -----------------------------------------------------------------------


@pytest.fixture
def worker(app, auth):
    org_with_users()
    install_forms()
    auth.login("worker1")
    return auth


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(auth, data: bytes, content_type: str = "image/jpeg"):
    return auth.put(f"/api/v1/photos/{sha(data)}", data=data, content_type=content_type)


def refused(app, auth, data: bytes, status: int, code: str, content_type: str = "image/jpeg") -> str:
    """Upload, expect the refusal, check nothing was kept; returns the zh-CN message."""
    response = put(auth, data, content_type)
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code
    h = sha(data)
    assert db.session.get(Photo, h) is None
    assert not photo_store(app).exists(h, "full") and not photo_store(app).exists(h, "thumb")
    assert not list(Path(app.config["PHOTOS_DIR"]).rglob(".upload-*"))
    return error["message"]


def stored(app, auth, data: bytes, content_type: str = "image/jpeg") -> tuple[Image.Image, bytes, bytes]:
    """Upload, expect 201; returns the stored full image (decoded) and both variants' bytes."""
    response = put(auth, data, content_type)
    assert response.status_code == 201, response.get_json()
    store = photo_store(app)
    with store.open(sha(data), "full") as fh:
        full = fh.read()
    with store.open(sha(data), "thumb") as fh:
        thumb = fh.read()
    image = Image.open(io.BytesIO(full))
    image.load()
    assert image.format == "JPEG" and image.mode == "RGB"
    assert (image.width, image.height) == (response.get_json()["width"], response.get_json()["height"])
    return image, full, thumb


def metadata_free(jpeg: bytes) -> bool:
    """Only JFIF (APP0) before the image data: no EXIF/XMP (APP1), ICC (APP2) or anything else."""
    apps = [m for m in jpeg_markers(jpeg) if 0xE0 <= m <= 0xEF or m == 0xFE]
    return apps in ([0xE0], [])


def close(pixel, expected, tolerance=14) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True))


# ---- refused ------------------------------------------------------------------------------


def test_a_truncated_jpeg_is_422(app, worker):
    data = noisy_jpeg(400, 300)
    message = refused(app, worker, data[: len(data) // 2], 422, "broken_image")
    assert message == "图片已损坏或不完整，请重新拍摄"


def test_a_text_file_sent_as_image_jpeg_is_415(app, worker):
    data = "这是一份文本文件，不是照片。\nJust text.\n".encode()
    assert refused(app, worker, data, 415, "not_an_image") == "这不是图片文件"


@pytest.mark.parametrize(
    ("label", "width", "height"),
    [
        ("over our cap (64 MP)", 8000, 8000),
        ("in Pillow's warning range (100 MP)", 10_000, 10_000),
        ("past Pillow's error limit (10 GP)", 100_000, 100_000),
    ],
)
def test_a_png_decompression_bomb_is_422(app, worker, label, width, height):
    # 1-bit pixels of nothing: the rows deflate to almost nothing (only the small ones are written out).
    rows = (bytes((width + 7) // 8) for _ in range(height if width * height <= 100_000_000 else 1))
    bomb = png_by_hand(width, height, 1, 0, rows)
    assert len(bomb) < 20_000, label
    message = refused(app, worker, bomb, 422, "image_too_large", "image/png")
    assert message == "图片像素过多（上限 5000 万像素），请缩小后再传"


def test_pillows_bomb_warning_is_an_error_in_a_process_with_default_warning_filters(tmp_path):
    """The app itself turns DecompressionBombWarning into an error, not pytest's filterwarnings.

    Our cap is min(PHOTO_MAX_PIXELS, Image.MAX_IMAGE_PIXELS), so no image is over Pillow's limit
    yet under our cap: what the app's filter decides is whether Pillow's warning is raised (and
    the decode stops at the header) or only printed while the bomb is opened anyway. So: a fresh
    interpreter with Python's default filters, as gunicorn runs, and a bomb just over Pillow's limit.
    """
    side = math.isqrt(Image.MAX_IMAGE_PIXELS) + 10  # ~89.5 MP: over Pillow's limit, under twice it
    assert Image.MAX_IMAGE_PIXELS < side * side < 2 * Image.MAX_IMAGE_PIXELS
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_by_hand(side, side, 1, 0, (bytes((side + 7) // 8) for _ in range(side))))
    script = (
        "import json, sys\n"
        "from PIL import Image\n"
        "from server.photos import pipeline\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "try:\n"
        "    Image.open(sys.argv[1])\n"
        "    opened = 'opened'\n"
        "except Image.DecompressionBombWarning:\n"
        "    opened = 'raised'\n"
        "try:\n"
        "    pipeline.process(data, max_pixels=10**9)\n"
        "    refused = None\n"
        "except pipeline.PhotoRejected as exc:\n"
        "    refused = exc.code\n"
        "print(json.dumps({'open': opened, 'refused': refused}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    done = subprocess.run(
        [sys.executable, "-W", "default", "-c", script, str(bomb)],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"open": "raised", "refused": "image_too_large"}
    # Under the default filters a warning that stayed a warning would be printed here.
    assert "DecompressionBombWarning" not in done.stderr


def test_a_jpeg_whose_header_claims_65535_by_65535_is_422(app, worker):
    data = bytearray(jpeg_bytes(16, 16))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 65535, 65535)
    refused(app, worker, bytes(data), 422, "image_too_large")


def test_an_svg_with_a_script_is_415(app, worker):
    svg = (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
        b"<script>fetch('/api/v1/auth/me').then(r => r.text()).then(alert)</script>"
        b'<rect width="100" height="100" fill="red"/></svg>'
    )
    message = refused(app, worker, svg, 415, "unsupported_image_format", "image/svg+xml")
    assert "SVG" in message


def test_an_animated_gif_is_415(app, worker):
    # Decision: refused, not reduced to its first frame. A GIF is no camera photo, a first frame
    # is no evidence of what the worker saw, and the phone converts any still GIF to JPEG first.
    frames = [Image.new("P", (40, 30), i) for i in (1, 2, 3)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    message = refused(app, worker, out.getvalue(), 415, "unsupported_image_format", "image/gif")
    assert message == "不支持 GIF 动图，请上传 JPEG、PNG、WebP 或 HEIC 格式的照片"


@pytest.mark.parametrize("fmt", ["WEBP", "PNG"])
def test_an_animated_webp_or_png_is_415(app, worker, fmt):
    frames = [Image.new("RGB", (40, 30), c) for c in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(out, fmt, save_all=True, append_images=frames[1:], duration=100)
    assert refused(app, worker, out.getvalue(), 415, "animated_image") == "不支持动图，请上传照片"


@pytest.mark.parametrize("fmt", ["AVIF", "BMP", "TIFF"])
def test_other_image_formats_are_415_naming_the_accepted_ones(app, worker, fmt):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 20, 30)).save(out, fmt)
    message = refused(app, worker, out.getvalue(), 415, "unsupported_image_format")
    assert message == "只支持 JPEG、PNG、WebP、HEIC 格式的照片"


def test_the_refusal_speaks_english_when_asked(app, worker):
    response = worker.put(
        f"/api/v1/photos/{sha(b'plain text')}",
        data=b"plain text",
        content_type="image/jpeg",
        headers={"Accept-Language": "en"},
    )
    assert response.get_json()["error"]["message"] == "This is not an image file"


# ---- accepted, made clean -----------------------------------------------------------------


def test_a_jpeg_zip_polyglot_is_stored_re_encoded_without_the_zip(app, worker):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("payload.html", "<script>alert(1)</script>")
    polyglot = jpeg_bytes(200, 150) + archive.getvalue()
    assert b"PK\x03\x04" in polyglot
    image, full, thumb = stored(app, worker, polyglot)
    assert image.size == (200, 150)
    for variant in (full, thumb):
        assert b"PK\x03\x04" not in variant and b"PK\x01\x02" not in variant and b"payload" not in variant


def test_a_cmyk_jpeg_is_converted_to_rgb_with_the_right_colour(app, worker):
    out = io.BytesIO()
    Image.new("CMYK", (64, 48), (0, 255, 255, 0)).save(out, "JPEG", quality=95)  # pure red ink
    image, full, _ = stored(app, worker, out.getvalue())
    assert close(image.getpixel((32, 24)), (255, 0, 0))
    assert metadata_free(full)  # the Adobe APP14 segment of a CMYK JPEG is gone too


@pytest.mark.parametrize(
    ("color_type", "sample", "expected"),
    [
        (2, struct.pack(">HHH", 0xC000, 0x4000, 0x2000), (192, 64, 32)),  # 48-bit RGB
        (0, struct.pack(">H", 0x8000), (128, 128, 128)),  # 16-bit grey: a plain convert makes it white
        (4, struct.pack(">HH", 0x4000, 0xFFFF), (64, 64, 64)),  # 16-bit grey + alpha
        (6, struct.pack(">HHHH", 0x1000, 0x8000, 0xF000, 0xFFFF), (16, 128, 240)),  # 64-bit RGBA
    ],
)
def test_a_16_bit_png_is_converted_to_8_bit_rgb_with_the_right_colour(
    app, worker, color_type, sample, expected
):
    png = png_by_hand(48, 32, 16, color_type, (sample * 48 for _ in range(32)))
    image, _, _ = stored(app, worker, png, "image/png")
    assert close(image.getpixel((24, 16)), expected, tolerance=6)


def test_transparency_becomes_white_not_black(app, worker):
    rgba = Image.new("RGBA", (60, 40), (0, 0, 0, 0))
    rgba.paste((20, 60, 200, 255), (30, 0, 60, 40))
    out = io.BytesIO()
    rgba.save(out, "PNG")
    image, _, _ = stored(app, worker, out.getvalue(), "image/png")
    assert close(image.getpixel((10, 20)), (255, 255, 255))
    assert close(image.getpixel((50, 20)), (20, 60, 200))


def test_a_palette_png_with_a_transparent_index_is_flattened(app, worker):
    image = Image.new("P", (40, 30), 0)
    image.putpalette([0, 0, 0, 200, 30, 30] + [0] * 762)
    image.paste(1, (20, 0, 40, 30))
    out = io.BytesIO()
    image.save(out, "PNG", transparency=0)
    stored_image, _, _ = stored(app, worker, out.getvalue(), "image/png")
    assert close(stored_image.getpixel((5, 15)), (255, 255, 255))
    assert close(stored_image.getpixel((35, 15)), (200, 30, 30))


@pytest.mark.parametrize(
    ("orientation", "size", "red_at", "white_at"),
    [
        (6, (200, 400), (180, 20), (20, 20)),  # turned 90° clockwise: raw top-left → top-right
        (8, (200, 400), (20, 380), (180, 20)),  # 90° counter-clockwise: raw top-left → bottom-left
        (3, (400, 200), (380, 180), (20, 20)),  # 180°: raw top-left → bottom-right
        # The mirrored ones: a plain turn would put the mark in another corner.
        (5, (200, 400), (20, 20), (180, 20)),  # transposed: raw top-left stays top-left, 200 × 400
        (7, (200, 400), (180, 380), (20, 20)),  # transversed: raw top-left → bottom-right
    ],
)
def test_exif_orientation_is_applied_so_the_photo_is_stored_upright(
    app, worker, orientation, size, red_at, white_at
):
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    marked().save(out, "JPEG", quality=92, exif=exif.tobytes())
    image, full, _ = stored(app, worker, out.getvalue())
    assert image.size == size
    assert close(image.getpixel(red_at), (220, 0, 0), tolerance=30)
    assert close(image.getpixel(white_at), (255, 255, 255))
    assert metadata_free(full)  # no orientation tag left to turn it a second time


def test_a_jpeg_with_gps_is_stored_with_no_exif_at_all(app, worker):
    xmp = b'http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>28,40.98N'
    out = io.BytesIO()
    Image.new("RGB", (120, 90), (90, 140, 60)).save(out, "JPEG", exif=gps_exif().tobytes())
    data = with_segments(out.getvalue(), [(0xE1, xmp), (0xFE, "拍摄于 蓼洲街".encode())])
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(0x8825)[1] == "N"
    assert not metadata_free(data)
    image, full, thumb = stored(app, worker, data)
    for variant in (full, thumb):
        assert metadata_free(variant)
        assert b"Exif" not in variant and b"xmpmeta" not in variant and "蓼洲街".encode() not in variant
    assert not image.getexif() and not image.info.get("exif") and not image.info.get("icc_profile")


@pytest.mark.parametrize(
    "container", ["jpeg: 17 APP1 segments", "png: one eXIf chunk", "webp: one EXIF chunk"]
)
def test_a_1_mb_exif_block_is_dropped(app, worker, container):
    if container.startswith("jpeg"):
        # A JPEG segment holds at most 64 kB: cameras (and attackers) chain them; Pillow joins them.
        exif = gps_exif(t37510=b"ASCII\0\0\0" + b"x" * 60_000).tobytes()  # UserComment
        filler = [(0xE1, b"Exif\0\0" + bytes([i]) * 65_000) for i in range(16)]
        data = with_segments(jpeg_bytes(80, 60), [(0xE1, b"Exif\0\0" + exif), *filler])
        content_type = "image/jpeg"
    else:
        fmt = container.split(":")[0].upper()
        exif = gps_exif(t37510=b"ASCII\0\0\0" + b"x" * 1_048_576)
        out = io.BytesIO()
        Image.new("RGB", (80, 60), (40, 90, 160)).save(out, fmt, exif=exif.tobytes())
        data = out.getvalue()
        content_type = f"image/{fmt.lower()}"
    assert len(data) > 1_000_000
    image, full, thumb = stored(app, worker, data, content_type)
    assert image.size == (80, 60)
    assert len(full) < 5_000 and metadata_free(full) and metadata_free(thumb)


def test_an_icc_profile_is_applied_to_srgb_then_dropped(app, worker):
    out = io.BytesIO()
    # In this profile, "red" (200, 30, 30) means sRGB's green primary.
    Image.new("RGB", (64, 48), (200, 30, 30)).save(
        out, "JPEG", quality=95, icc_profile=icc_swapped_primaries()
    )
    image, full, _ = stored(app, worker, out.getvalue())
    red, green, _ = image.getpixel((32, 24))
    assert green > 150 and red < 90
    assert metadata_free(full)


@pytest.mark.parametrize("icc", [b"not an ICC profile at all", b"\0" * 200])
def test_a_broken_icc_profile_is_dropped_and_the_colours_kept(app, worker, icc):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG", quality=95, icc_profile=icc)
    image, full, _ = stored(app, worker, out.getvalue())
    assert close(image.getpixel((32, 24)), (200, 30, 30))
    assert metadata_free(full)


def test_a_jpeg_with_a_second_picture_keeps_the_first(app, worker):
    # Phones save portrait and depth shots as MPO: a JPEG with more pictures after it.
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (30, 160, 60)).save(
        out, "MPO", save_all=True, append_images=[Image.new("RGB", (80, 60), (0, 0, 255))]
    )
    image, full, _ = stored(app, worker, out.getvalue())
    assert close(image.getpixel((40, 30)), (30, 160, 60))
    assert metadata_free(full)
