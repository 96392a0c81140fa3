"""Shared by every test directory: make the repository importable however pytest is started.

``pytest`` (the console script) does not put the working directory on ``sys.path``, while
``python -m pytest`` does; inserting the repository root makes both behave the same.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
