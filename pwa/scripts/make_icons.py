"""Draw the app icons (a white 3x3 grid on civic blue) into public/icons/.

Run with any Python that has Pillow: `python scripts/make_icons.py`. Drawn at 4x and
downscaled so the lines stay crisp without a font or an SVG renderer.
"""

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (25, 137, 250)  # #1989fa: the icon's own blue (no text on it); the status bar uses --gw-primary
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "public" / "icons"
SUPERSAMPLE = 4


def draw_icon(size: int, maskable: bool) -> Image.Image:
    """Return one icon; a maskable icon keeps the glyph inside the 80 % safe zone."""
    big = size * SUPERSAMPLE
    img = Image.new("RGB", (big, big), BLUE)
    draw = ImageDraw.Draw(img)
    if not maskable:
        # A plain icon is shown as is: round the corners ourselves.
        img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
        draw = ImageDraw.Draw(img)
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=BLUE)
    # Launchers crop a maskable icon to a circle of 80 % diameter: keep the grid well inside.
    span = big * (0.46 if maskable else 0.6)
    left = (big - span) / 2
    line = max(SUPERSAMPLE, round(big * 0.035))
    cells = 3
    for i in range(cells + 1):
        pos = left + span * i / cells
        draw.rectangle((pos - line / 2, left - line / 2, pos + line / 2, left + span + line / 2), fill=WHITE)
        draw.rectangle((left - line / 2, pos - line / 2, left + span + line / 2, pos + line / 2), fill=WHITE)
    # The centre cell filled: "your grid" among its neighbours.
    c0, c1 = left + span / cells, left + 2 * span / cells
    draw.rectangle((c0, c0, c1, c1), fill=WHITE)
    return img.resize((size, size), Image.LANCZOS)


def main() -> None:
    """Write every icon the manifest and index.html name."""
    OUT.mkdir(parents=True, exist_ok=True)
    targets = {
        "icon-192.png": (192, False),
        "icon-512.png": (512, False),
        "icon-maskable-512.png": (512, True),
        "apple-touch-icon-180.png": (180, True),  # iOS adds its own rounded mask
        "favicon-32.png": (32, False),
    }
    for name, (size, maskable) in targets.items():
        draw_icon(size, maskable).save(OUT / name, optimize=True)
        print(OUT / name)


if __name__ == "__main__":
    main()
