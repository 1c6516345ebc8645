"""Print how many gzip bytes a worker's first screen of the PWA costs, and what each role downloads.

Usage: python bench/shell_size.py [--build] [--json]

Builds pwa/dist when it is missing (or with --build), then reads:
- dist/index.html: the entry script, modulepreload links and stylesheets the first screen loads;
- dist/.vite/manifest.json: the entry chunk's static import closure (dynamic imports excluded),
  as a cross-check of index.html, and the lazy chunks;
- dist/sw.js: the precache list the service worker downloads once after the first visit.
A worker's phone downloads the precache and nothing more; a desk user (supervisor, handler,
admin) also fetches the desk-only chunks the precache leaves out, as the screens are opened.
Sizes are gzip level 9, the way a server with gzip on would send them. Goal: first screen
<= 150 KB (150,000 bytes) of JS and CSS; over it, the exit status is 1. Standard library only.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PWA = ROOT / "pwa"
DIST = PWA / "dist"
GOAL_BYTES = 150_000
# The worker's 地图 (issue 15 §6): what opening the map fetches beyond the first screen (Leaflet
# and the page, JS and CSS).
MAP_ROOT = "src/map/MapPage.vue"
MAP_GOAL_BYTES = 80_000


class ShellRefs(HTMLParser):
    """Collect the scripts, preloads and stylesheets index.html makes the browser fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.preloads: list[str] = []
        self.styles: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            if a.get("src"):
                self.scripts.append(a["src"] or "")
            else:
                self.inline_scripts += 1
        elif tag == "link":
            rel = (a.get("rel") or "").split()
            if "modulepreload" in rel and a.get("href"):
                self.preloads.append(a["href"] or "")
            elif "stylesheet" in rel and a.get("href"):
                self.styles.append(a["href"] or "")


def build() -> None:
    """npm ci when node_modules is missing, then the production build."""
    if not (PWA / "node_modules").is_dir():
        subprocess.run(["npm", "ci"], cwd=PWA, check=True)
    subprocess.run(["npm", "run", "build"], cwd=PWA, check=True)


def gz(path: Path) -> int:
    """Bytes after gzip -9 (mtime fixed so the figure is reproducible)."""
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def rel(url: str) -> str:
    return url.lstrip("/")


def static_closure(manifest: dict[str, dict], entry: str | None = None) -> list[str]:
    """Files of a chunk (the entry by default) and its static imports (JS and their CSS), it first."""
    entry = entry or next(key for key, chunk in manifest.items() if chunk.get("isEntry"))
    files: list[str] = []
    seen: set[str] = set()
    stack = [entry]
    while stack:
        key = stack.pop(0)
        if key in seen:
            continue
        seen.add(key)
        chunk = manifest[key]
        for file in [chunk["file"], *chunk.get("css", [])]:
            if file not in files:
                files.append(file)
        stack.extend(chunk.get("imports", []))
    return files


def css_fonts(css_files: list[str]) -> list[str]:
    """Font files the first screen's CSS points at (Vant's icon font)."""
    fonts: list[str] = []
    for name in css_files:
        text = (DIST / name).read_text(encoding="utf-8")
        for url in re.findall(r"url\(\s*[\"']?(/assets/[^\"')]+\.woff2?)", text):
            if rel(url) not in fonts:
                fonts.append(rel(url))
    return fonts


def precache_list() -> list[str]:
    """URLs the built service worker precaches."""
    source = (DIST / "sw.js").read_text(encoding="utf-8")
    urls = re.findall(r'"url":"([^"]+)"', source)
    return list(dict.fromkeys(urls))


def measure() -> dict:
    """Collect every figure the report prints."""
    parser = ShellRefs()
    parser.feed((DIST / "index.html").read_text(encoding="utf-8"))
    from_html = [rel(u) for u in parser.scripts + parser.preloads + parser.styles]
    manifest = json.loads((DIST / ".vite" / "manifest.json").read_text(encoding="utf-8"))
    closure = static_closure(manifest)
    # index.html is what the browser follows; the manifest closure catches anything it misses.
    first_screen = list(dict.fromkeys(from_html + closure))
    js = [f for f in first_screen if f.endswith(".js")]
    css = [f for f in first_screen if f.endswith(".css")]
    fonts = css_fonts(css)

    lazy = sorted(
        chunk["file"]
        for chunk in manifest.values()
        if chunk["file"].endswith(".js") and chunk["file"] not in first_screen
    )
    precache = precache_list()
    # Built JS and CSS the service worker leaves out: fetched only when a desk screen opens.
    desk_only = sorted(
        f"assets/{path.name}"
        for path in (DIST / "assets").iterdir()
        if path.suffix in {".js", ".css"} and f"assets/{path.name}" not in precache
    )
    map_files = [f for f in static_closure(manifest, MAP_ROOT) if f not in first_screen]
    files = {
        name: gz(DIST / name)
        for name in dict.fromkeys(first_screen + fonts + lazy + precache + desk_only + map_files)
    }
    js_total = sum(files[f] for f in js)
    css_total = sum(files[f] for f in css)
    precache_gzip = sum(files[f] for f in precache)
    desk_gzip = sum(files[f] for f in desk_only)
    return {
        "first_screen": {
            "js": {f: files[f] for f in js},
            "css": {f: files[f] for f in css},
            "js_bytes": js_total,
            "css_bytes": css_total,
            "total_bytes": js_total + css_total,
            "goal_bytes": GOAL_BYTES,
            "ratio_to_goal": round((js_total + css_total) / GOAL_BYTES, 3),
            "fonts": {f: files[f] for f in fonts},
            "inline_scripts": parser.inline_scripts,
            "html_matches_manifest": set(from_html) == set(closure),
        },
        "lazy_chunks": {f: files[f] for f in lazy},
        "map_chunk": {
            "files": {f: files[f] for f in map_files},
            "total_bytes": sum(files[f] for f in map_files),
            "goal_bytes": MAP_GOAL_BYTES,
        },
        "precache": {
            "entries": len(precache),
            "gzip_bytes": precache_gzip,
            "raw_bytes": sum((DIST / f).stat().st_size for f in precache),
        },
        "desk_only": {f: files[f] for f in desk_only},
        "downloads": {
            "worker_gzip_bytes": precache_gzip,
            "desk_user_gzip_bytes": precache_gzip + desk_gzip,
        },
    }


def kb(n: int) -> str:
    return f"{n / 1000:7.1f} KB"


def report(m: dict) -> None:
    fs = m["first_screen"]
    print("First screen (what index.html loads before a worker sees the home), gzip -9:")
    for group in ("js", "css"):
        for name, size in fs[group].items():
            print(f"  {kb(size)}  {name}")
    print(f"  JS  {kb(fs['js_bytes'])}")
    print(f"  CSS {kb(fs['css_bytes'])}")
    print(
        f"  JS+CSS {kb(fs['total_bytes'])}  =  {fs['ratio_to_goal']:.0%} of the "
        f"{fs['goal_bytes'] // 1000} KB goal  ({'within' if fs['total_bytes'] <= fs['goal_bytes'] else 'OVER'})"
    )
    for name, size in fs["fonts"].items():
        print(f"  + font {kb(size)}  {name}  (icon font, fetched when the first icon renders)")
    if fs["fonts"]:
        with_fonts = fs["total_bytes"] + sum(fs["fonts"].values())
        print(f"  JS+CSS+font {kb(with_fonts)}  =  {with_fonts / fs['goal_bytes']:.0%} of the goal")
    if not fs["html_matches_manifest"]:
        print("  note: index.html and the manifest's static closure differ")
    if fs["inline_scripts"]:
        print(f"  WARNING: {fs['inline_scripts']} inline <script> in index.html (CSP blocks it)")
    print("Lazy chunks (loaded on demand, never on the worker's first screen):")
    for name, size in m["lazy_chunks"].items():
        print(f"  {kb(size)}  {name}")
    mc = m["map_chunk"]
    print("Map (地图: Leaflet and the page, fetched when the worker opens the map tab), gzip -9:")
    for name, size in mc["files"].items():
        print(f"  {kb(size)}  {name}")
    print(
        f"  map chunk {kb(mc['total_bytes'])}  =  {mc['total_bytes'] / mc['goal_bytes']:.0%} of the "
        f"{mc['goal_bytes'] // 1000} KB goal  ({'within' if mc['total_bytes'] <= mc['goal_bytes'] else 'OVER'})"
    )
    pc = m["precache"]
    print(
        f"Precache: {pc['entries']} entries, {kb(pc['gzip_bytes']).strip()} gzip "
        f"({kb(pc['raw_bytes']).strip()} raw), downloaded once by the service worker"
    )
    print("Desk-only (left out of the precache, cached when a desk user opens the screen):")
    for name, size in m["desk_only"].items():
        print(f"  {kb(size)}  {name}")
    dl = m["downloads"]
    print("Downloaded in total, gzip -9:")
    print(f"  worker    {kb(dl['worker_gzip_bytes'])}  (the precache)")
    print(f"  desk user {kb(dl['desk_user_gzip_bytes'])}  (the precache + every desk-only file)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="rebuild pwa/dist first")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if args.build or not (DIST / "index.html").exists():
        build()
    figures = measure()
    if args.json:
        json.dump(figures, sys.stdout, indent=2)
        print()
    else:
        report(figures)
    first_screen = figures["first_screen"]
    if figures["map_chunk"]["total_bytes"] > MAP_GOAL_BYTES:
        print(
            f"FAIL: map chunk {figures['map_chunk']['total_bytes']:,} gzip bytes > {MAP_GOAL_BYTES:,}",
            file=sys.stderr,
        )
        return 1
    if first_screen["total_bytes"] > first_screen["goal_bytes"]:
        print(
            f"FAIL: first screen {first_screen['total_bytes']:,} gzip bytes > {first_screen['goal_bytes']:,}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
