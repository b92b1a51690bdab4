"""How run.py's two modes sum up and print a run: percentiles, where and when, Markdown tables.

Apart from run.py so that mixed.py, which run.py imports, can use them without importing it back.
"""

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import common


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def machine() -> dict[str, object]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory_kb = int(line.split()[1])
    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "load_average_at_start": os.getloadavg(),
    }


def git_commit() -> str:
    """The checked-out commit; the working tree may differ from it."""
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH, read-only
        cwd=common.ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or "unknown"


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
    return connection.vendor


def header(report: dict[str, Any]) -> str:
    """Where and when the figures were taken, and how busy the machine was."""
    hardware = report["machine"]

    def loads(values: tuple[float, float, float]) -> str:
        return ", ".join(f"{x:.2f}" for x in values)

    return (
        f"{report['started_at']} · commit {report['commit']} · {report['database']} "
        f"({report['database_vendor']}) · {report['scale']} scale · {hardware['nproc']} CPUs\n"
        f"Load average at start {loads(hardware['load_average_at_start'])}, "
        f"at end {loads(report['load_average_at_end'])}."
    )


def markdown(lines: list[list[str]]) -> str:
    """The rows as a Markdown table, the first row its head."""
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    out = []
    for index, line in enumerate(lines):
        out.append("| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)) + " |")
        if index == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)
