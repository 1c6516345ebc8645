"""Benchmark the phone-side downscale (pwa/src/photos preparePhoto) in Chromium on a 12 MP photo.

Run: .venv/bin/python bench/photo_downscale.py [--runs 7]
Bundles pwa/src/photos with Vite (library mode) into a temp folder, serves it on 127.0.0.1 with
the same photo bench/photos.py makes (4032×3024, 4 MB, EXIF orientation 6 + GPS, a red mark in
the stored top-left corner), and drives the system Chromium with Playwright. Paths: the shipped
one (createImageBitmap resizing while decoding, where the browser supports it) and the fallback
(full decode, then canvas downscale). Also an HEIC file, which Chromium cannot decode: it must
come back unchanged for the server to convert. Goal (issue 5): output ≤ 400 KB.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.photos import make_photo  # noqa: E402

PWA = ROOT / "pwa"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
GOAL_BYTES = 400 * 1024

BUNDLE_SCRIPT = """
import { build } from 'vite'
await build({
  configFile: false,
  root: process.cwd(),
  logLevel: 'error',
  build: {
    outDir: process.argv[1],
    emptyOutDir: false,
    minify: true,
    target: 'es2020',
    lib: { entry: 'src/photos/index.ts', formats: ['es'], fileName: () => 'photos.js' },
  },
})
"""

# Runs in the page: time preparePhoto per path, then check the last output of each.
PAGE_SCRIPT = """
async ({ runs }) => {
  const photos = await import('/photos.js')
  const jpeg = await (await fetch('/photo.jpg')).blob()
  const heic = await (await fetch('/photo.heic')).blob()
  const fallback = {
    decode: (file) => photos.browserPlatform.decode(file, null),
    encode: photos.browserPlatform.encode,
  }
  async function check(result) {
    const bytes = new Uint8Array(await result.blob.arrayBuffer())
    const text = new TextDecoder('latin1').decode(bytes)
    const bitmap = await createImageBitmap(result.blob)
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height)
    const ctx = canvas.getContext('2d')
    ctx.drawImage(bitmap, 0, 0)
    const [r, g, b] = ctx.getImageData(bitmap.width - 10, 10, 1, 1).data
    const [r0, g0, b0] = ctx.getImageData(10, 10, 1, 1).data
    bitmap.close()
    return { exif: text.includes('Exif'), topRight: [r, g, b], topLeft: [r0, g0, b0] }
  }
  const out = { resizeOptions: await photos.supportsResizeOptions(), paths: {} }
  for (const [name, options] of [['shipped', {}], ['canvas fallback', { platform: fallback }]]) {
    const times = []
    let result
    await photos.preparePhoto(jpeg, options) // warm-up
    for (let i = 0; i < runs; i++) {
      const start = performance.now()
      result = await photos.preparePhoto(jpeg, options)
      times.push(performance.now() - start)
    }
    out.paths[name] = {
      times, bytes: result.bytes, width: result.width, height: result.height,
      converted: result.converted, type: result.blob.type, ...(await check(result)),
    }
  }
  const start = performance.now()
  const kept = await photos.preparePhoto(heic)
  out.heic = {
    ms: performance.now() - start, converted: kept.converted, same: kept.blob === heic,
    bytes: kept.bytes, original: heic.size,
  }
  out.input = jpeg.size
  return out
}
"""


def bundle(outdir: Path) -> None:
    """pwa/src/photos as one ES module, built by the PWA's own Vite."""
    subprocess.run(
        ["node", "--input-type=module", "-e", BUNDLE_SCRIPT, str(outdir)], cwd=PWA, check=True, timeout=300
    )


def heic_photo() -> bytes:
    import pillow_heif
    from PIL import Image

    out = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (1024, 768), (90, 140, 60))).save(out, format="HEIF", quality=80)
    return out.getvalue()


def serve(folder: Path) -> ThreadingHTTPServer:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:  # the table is the output
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def is_red(rgb: list[int]) -> bool:
    red, green, blue = rgb
    return red > 180 and green < 80 and blue < 80


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bundle(folder)
        (folder / "index.html").write_text("<!doctype html><title>preparePhoto bench</title>")
        (folder / "photo.jpg").write_bytes(make_photo())
        (folder / "photo.heic").write_bytes(heic_photo())
        server = serve(folder)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{server.server_port}/index.html")
                result = page.evaluate(PAGE_SCRIPT, {"runs": args.runs})
                version = browser.version
                browser.close()
        finally:
            server.shutdown()

    print(
        f"Chromium {version}; input 4032×3024 JPEG {result['input'] / 1024 / 1024:.1f} MB "
        f"(EXIF orientation 6 + GPS); createImageBitmap resize options: {result['resizeOptions']}"
    )
    print()
    print(f"{'path':<16} {'median ms':>10} {'min ms':>8} {'output':>10} {'KB':>6} {'EXIF':>5} {'upright':>8}")
    ok = True
    for name, path in result["paths"].items():
        # The red mark, stored top-left, must show top-right once turned by orientation 6.
        upright = is_red(path["topRight"]) and not is_red(path["topLeft"])
        size = f"{path['width']}×{path['height']}"
        print(
            f"{name:<16} {statistics.median(path['times']):>10.0f} {min(path['times']):>8.0f} {size:>10} "
            f"{path['bytes'] / 1024:>6.0f} {'yes' if path['exif'] else 'no':>5} {'yes' if upright else 'NO':>8}"
        )
        ok = ok and path["converted"] and path["type"] == "image/jpeg" and upright and not path["exif"]
        ok = ok and (path["width"], path["height"]) == (1200, 1600)
    heic = result["heic"]
    # Chromium cannot decode HEIC: the phone must queue the very file for the server to convert.
    heic_ok = not heic["converted"] and heic["same"]
    print(
        f"HEIC {heic['original'] / 1024:.0f} KB: converted={heic['converted']}, "
        f"passed on unchanged={heic['same']} ({heic['ms']:.0f} ms) — {'ok' if heic_ok else 'WRONG'}"
    )
    ok = ok and heic_ok
    shipped = result["paths"]["shipped"]
    print()
    print(
        f"Output of the shipped path: {shipped['bytes'] / 1024:.0f} KB (goal ≤ {GOAL_BYTES // 1024} KB) — "
        f"{'met' if shipped['bytes'] <= GOAL_BYTES else 'MISSED'}; "
        f"{statistics.median(shipped['times']):.0f} ms median"
    )
    print(json.dumps({"checks_passed": ok}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
