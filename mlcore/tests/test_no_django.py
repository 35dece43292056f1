"""mlcore stays a plain-Python package: importing every module of it loads no Django."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import importlib, json, pkgutil, sys
import mlcore
names = sorted(
    m.name for m in pkgutil.walk_packages(mlcore.__path__, "mlcore.")
    if not m.name.startswith("mlcore.tests")
)
for name in names:
    importlib.import_module(name)
forbidden = ("django", "rest_framework", "celery", "config", "recruiting", "matching")
loaded = sorted(
    m for m in sys.modules if m.split(".")[0] in forbidden
)
print(json.dumps({"imported": names, "forbidden": loaded}))
"""


def test_importing_every_mlcore_module_loads_no_django():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(REPO)
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert "mlcore.embeddings.sentence" in result["imported"]
    assert "mlcore.retrieval.faiss_index" in result["imported"]
    assert result["forbidden"] == []
