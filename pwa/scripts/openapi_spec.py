"""Print the API's OpenAPI document (what /api/v1/openapi.json serves) as JSON, without a server.

Usage (from the repository root): .venv/bin/python pwa/scripts/openapi_spec.py [OUT.json]

pwa/scripts/api-types.mjs runs it to generate the PWA's API types (npm run api-types).
The test settings and a throwaway instance folder keep the checkout and any database untouched.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    """Build the app under the test settings and write its spec to a file or stdout."""
    with tempfile.TemporaryDirectory(prefix="gridwalk-openapi-") as instance:
        # Read by config at import time: the secret key and VAPID files go to the temp folder.
        os.environ["GRIDWALK_INSTANCE"] = instance
        from server import create_app
        from server.extensions import api

        app = create_app("test")
        with app.app_context():
            spec = api.spec.to_dict()
    text = json.dumps(spec, ensure_ascii=False, indent=2) + "\n"
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
