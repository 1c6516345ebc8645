"""Write docs/examples/ledger-example.xlsx again from server/ledger/example.py (deterministic).

Run: .venv/bin/python docs/examples/make_ledger_example.py
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from server.ledger.example import write  # noqa: E402

if __name__ == "__main__":
    write(HERE / "ledger-example.xlsx")
    print(HERE / "ledger-example.xlsx")
