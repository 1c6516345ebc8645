"""Benchmark the server's photo pipeline against the plain Pillow path on a 12 MP phone photo.

Run: .venv/bin/python bench/photos.py [--runs 7]
The photo is made here: 4032×3024, noise over gradients so it compresses like a real one
(about 4 MB at quality 92), with EXIF orientation 6 (held upright) and a GPS position.
Plain path, per stored size (2048 and 320): open → exif_transpose → thumbnail → save.
Ours: server.photos.pipeline.process: one decode, JPEG draft() at the real size wanted (1/2 scale
gives 2016×1512, kept as the full variant: ≤ 2048 and ≥ the phone's 1600 px), turned after the
downscale, thumbnail from the full variant, progressive JPEG. Goals (issue 5): time ≤ 0.6× plain, peak
memory ≤ 200 MB (max RSS of a fresh process running one path once).
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageChops, ImageOps  # noqa: E402

WIDTH, HEIGHT = 4032, 3024
GOAL_RATIO = 0.6
GOAL_PEAK_MB = 200


def make_photo(width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """A photo-like JPEG: smooth gradients, blotches and fine grain; orientation 6 and GPS in EXIF."""
    horizontal = Image.linear_gradient("L").rotate(90).resize((width, height))
    vertical = Image.linear_gradient("L").resize((width, height))
    radial = Image.radial_gradient("L").resize((width, height))
    blotches = Image.effect_noise((width // 16, height // 16), 60).resize(
        (width, height), Image.Resampling.BICUBIC
    )
    grain = Image.effect_noise((width, height), 10)
    channels = []
    for base in (horizontal, radial, vertical):
        channel = ImageChops.add(
            ImageChops.multiply(base, Image.new("L", (width, height), 200)), blotches, 1.4, -50
        )
        channels.append(ImageChops.add(channel, grain, 1.6, -80))
    photo = Image.merge("RGB", channels)
    # A red mark in the stored top-left corner: shown upright (orientation 6) it sits top-right.
    photo.paste((230, 20, 20), (0, 0, 240, 240))
    exif = Image.Exif()
    exif[0x010F] = "Gridwalk"
    exif[0x0110] = "Bench Phone 12"
    exif[0x0112] = 6
    exif.get_ifd(0x8825).update({1: "N", 2: (28.0, 40.0, 58.8), 3: "E", 4: (115.0, 51.0, 29.5)})
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def plain_pillow(data: bytes) -> tuple[bytes, bytes]:
    """The textbook path, once per stored size."""
    outputs = []
    for side, quality in ((2048, 85), (320, 80)):
        with Image.open(io.BytesIO(data)) as opened:
            image = ImageOps.exif_transpose(opened)
            image.thumbnail((side, side))
            out = io.BytesIO()
            image.save(out, "JPEG", quality=quality)
            outputs.append(out.getvalue())
    return outputs[0], outputs[1]


def plain_pillow_one_decode(data: bytes) -> tuple[bytes, bytes]:
    """For context: the plain path decoding once and making the thumbnail from the big one."""
    with Image.open(io.BytesIO(data)) as opened:
        image = ImageOps.exif_transpose(opened)
    image.thumbnail((2048, 2048))
    full = io.BytesIO()
    image.save(full, "JPEG", quality=85)
    image.thumbnail((320, 320))
    thumb = io.BytesIO()
    image.save(thumb, "JPEG", quality=80)
    return full.getvalue(), thumb.getvalue()


def ours(data: bytes) -> tuple[bytes, bytes]:
    from server.photos.pipeline import process

    processed = process(data)
    return processed.full, processed.thumb


def ours_exact_2048(data: bytes) -> tuple[bytes, bytes]:
    """For context: ours made to resample to exactly 2048 px like the plain path (no DCT shortcut)."""
    from server.photos import pipeline

    kept = pipeline.MIN_FULL_SIDE
    pipeline.MIN_FULL_SIDE = pipeline.FULL_SIDE
    try:
        return ours(data)
    finally:
        pipeline.MIN_FULL_SIDE = kept


PATHS = {
    "ours": ours,
    "plain": plain_pillow,
    "ours-exact-2048": ours_exact_2048,
    "plain-one-decode": plain_pillow_one_decode,
}


def time_paths(data: bytes, runs: int) -> dict[str, list[float]]:
    """Seconds per run of each path, interleaved so drift hits them alike (after one warm-up)."""
    for path in PATHS.values():
        path(data)
    times: dict[str, list[float]] = {name: [] for name in PATHS}
    for _ in range(runs):
        for name, path in PATHS.items():
            start = time.perf_counter()
            path(data)
            times[name].append(time.perf_counter() - start)
    return times


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss over
    from the parent through fork and exec, so every child would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: best effort


def measure_child(name: str, photo_file: str) -> None:
    """In a fresh process: run one path once (or only load, for 'baseline'); print peak RSS."""
    import server.photos.pipeline  # noqa: F401 - the same imports for every path, baseline included

    data = Path(photo_file).read_bytes()
    if name != "baseline":
        PATHS[name](data)
    print(json.dumps({"path": name, "max_rss_mb": peak_rss_mb()}))


def peak_memory(photo_file: str) -> dict[str, float]:
    peaks = {}
    for name in ("baseline", *PATHS):
        result = subprocess.run(
            [sys.executable, __file__, "--measure", name, photo_file],
            check=True,
            capture_output=True,
            text=True,
        )
        peaks[name] = json.loads(result.stdout)["max_rss_mb"]
    return peaks


def describe(full: bytes, thumb: bytes, check: bool = False) -> str:
    """Sizes of the two outputs; with check, that ours are upright (portrait), in range, without EXIF."""
    with Image.open(io.BytesIO(full)) as image:
        full_size = image.size
        if check:
            assert image.width < image.height and 1600 <= image.height <= 2048, image.size
            assert not image.getexif() and "icc_profile" not in image.info
            red, green, _ = image.convert("RGB").getpixel((image.width - 20, 20))
            assert red > 180 and green < 80, "the red mark is not top-right: not upright"
    with Image.open(io.BytesIO(thumb)) as image:
        thumb_size = image.size
        if check:
            assert max(image.size) == 320, image.size
    return (
        f"full {full_size[0]}×{full_size[1]} {len(full) / 1024:.0f} kB, "
        f"thumb {thumb_size[0]}×{thumb_size[1]} {len(thumb) / 1024:.0f} kB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--measure", nargs=2, metavar=("PATH", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure_child(*args.measure)
        return 0

    started = time.perf_counter()
    data = make_photo()
    print(
        f"Photo: {WIDTH}×{HEIGHT} JPEG, {len(data) / 1024 / 1024:.1f} MB, EXIF orientation 6 + GPS "
        f"(made in {time.perf_counter() - started:.1f} s)"
    )
    print("Outputs:")
    for name, path in PATHS.items():
        print(f"  {name:<17} {describe(*path(data), check=name == 'ours')}")
    times = time_paths(data, args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        photo_file = str(Path(tmp) / "photo.jpg")
        Path(photo_file).write_bytes(data)
        peaks = peak_memory(photo_file)

    plain = statistics.median(times["plain"])
    print()
    print(
        f"{'path':<18} {'median ms':>10} {'min ms':>8} {'× plain':>8} {'max RSS MB':>11} {'over baseline':>14}"
    )
    for name in PATHS:
        median = statistics.median(times[name])
        print(
            f"{name:<18} {median * 1000:>10.0f} {min(times[name]) * 1000:>8.0f} {median / plain:>8.2f} "
            f"{peaks[name]:>11.0f} {peaks[name] - peaks['baseline']:>14.0f}"
        )
    print(f"{'(baseline)':<18} {'':>10} {'':>8} {'':>8} {peaks['baseline']:>11.0f} {'':>14}")
    ratio = statistics.median(times["ours"]) / plain
    print()
    print(
        f"Time ratio ours/plain: {ratio:.2f} (goal ≤ {GOAL_RATIO}) — {'met' if ratio <= GOAL_RATIO else 'MISSED'}"
    )
    print(
        f"Peak memory of ours: {peaks['ours']:.0f} MB max RSS (goal ≤ {GOAL_PEAK_MB} MB) — "
        f"{'met' if peaks['ours'] <= GOAL_PEAK_MB else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
