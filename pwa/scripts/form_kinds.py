"""Write the server's form kinds and its photo-count verdicts, for the PWA's tests.

Usage (from the repository root): .venv/bin/python pwa/scripts/form_kinds.py

The catalogue is what a phone pulls as "form_kinds" (server/forms/kinds.py); the verdicts are
FormKind.photo_count_problem for 0–11 photos in zh-CN and English, which
pwa/src/register/kinds.ts must repeat word for word (pwa/tests/register/kinds.test.ts).
tests/api/test_form_kinds.py fails when this file is older than the descriptors.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402

from server.forms.kinds import KINDS, form_kinds_catalogue  # noqa: E402

OUT = ROOT / "pwa" / "tests" / "fixtures" / "form_kinds.json"


def fixture() -> dict:
    """The catalogue and, per kind and photo count, the server's words (null: accepted)."""
    app = Flask(__name__)
    counts = []
    for kind in KINDS.values():
        for count in range(12):
            verdict = {"kind": kind.kind, "count": count}
            for lang, header in (("zh", "zh-CN"), ("en", "en")):
                with app.test_request_context(headers={"Accept-Language": header}):
                    verdict[lang] = kind.photo_count_problem(count)
            counts.append(verdict)
    return {"catalogue": {"id": "form_kinds", "items": form_kinds_catalogue()}, "photo_counts": counts}


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixture(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"form kinds → {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
