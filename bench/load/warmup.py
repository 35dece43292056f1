"""Warm every gunicorn worker before the timed run: the first match call in a process loads the
embedding model and builds its indexes, and each explanation encodes its sentences once per
process (then they are memoised). That is start-up cost, not latency under load, so every resume's
matches and every job's candidates are fetched once (at most --cap of each) before locust starts.

    python bench/load/warmup.py --host http://127.0.0.1:PORT --dir DIR
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def get(host: str, path: str, token: str) -> int:
    request = urllib.request.Request(
        host + path, headers={"Authorization": f"Token {token}", "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=180) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", required=True)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--cap", type=int, default=200, help="at most this many ids of each kind")
    args = parser.parse_args()
    ids = json.loads((args.dir / "ids.json").read_text())
    token = (args.dir / "token").read_text().strip()
    rng = random.Random(0)
    jobs, resumes = ids["jobs"][: args.cap], ids["resumes"][: args.cap]
    paths = [f"/api/v1/resumes/{r}/matches/?k=10" for r in resumes]
    paths += [f"/api/v1/jobs/{j}/candidates/?k=10" for j in jobs]
    rng.shuffle(paths)
    paths = [
        "/api/v1/jobs/",
        "/api/v1/resumes/",
        f"/api/v1/explain/?job={jobs[0]}&resume={resumes[0]}",
        "/health/",
    ] * 2 + paths
    start = time.perf_counter()
    # More calls in flight than there are workers, so every worker gets some.
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(lambda p: get(args.host, p, token), paths))
    bad = [(p, s) for p, s in zip(paths, statuses, strict=True) if s != 200]
    print(f"warm-up: {len(paths)} calls in {time.perf_counter() - start:.0f} s, {len(bad)} not 200")
    if bad:
        for path, status in bad:
            print(f"  {status} {path}")
        sys.exit(1)


if __name__ == "__main__":
    main()
