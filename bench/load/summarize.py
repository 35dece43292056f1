"""Print the load run's summary from locust's CSV files: per endpoint the requests, failures,
p50/p95/p99 and throughput, the totals, and every failure. Exits 1 on any failure.

    python bench/load/summarize.py PREFIX   (locust --csv PREFIX wrote PREFIX_stats.csv, ...)
"""

from __future__ import annotations

import csv
import os
import sys


def main() -> None:
    prefix = sys.argv[1]
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with open(f"{prefix}_failures.csv", encoding="utf-8") as fh:
        failures = list(csv.DictReader(fh))
    width = max(len(r["Name"]) for r in rows)
    print(
        f"{'endpoint':<{width}} {'requests':>8} {'fails':>5} {'req/s':>6} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    )
    for row in rows:
        name = "all endpoints" if row["Name"] == "Aggregated" else row["Name"]
        print(
            f"{name:<{width}} {row['Request Count']:>8} {row['Failure Count']:>5} "
            f"{float(row['Requests/s']):>6.2f} {row['50%']:>7} {row['95%']:>7} {row['99%']:>7} "
            f"{float(row['Max Response Time']):>7.0f}"
        )
    total = next(r for r in rows if r["Name"] == "Aggregated")
    n_failed = int(total["Failure Count"])
    print(
        f"total: {total['Request Count']} requests, {float(total['Requests/s']):.2f} req/s, "
        f"{n_failed} failures (any status but 200, 429 and 5xx included); "
        f"load average now {os.getloadavg()[0]:.2f} (1 min), {os.getloadavg()[1]:.2f} (5 min)"
    )
    for row in failures:
        print(f"  FAILED {row['Occurrences']}x {row['Method']} {row['Name']}: {row['Error']}")
    sys.exit(1 if n_failed else 0)


if __name__ == "__main__":
    main()
