"""Time a 500-recommendation progress report as Word and PDF (issue #15 asks ≤ 2 s and ≤ 5 s).

The report covers the first sources by id until 500 recommendations are reached, over the last
six months, from the national data set by default. Printed, never asserted.

    .venv/bin/python bench/progress_report.py [--database-url URL] [--recommendations 500]
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import default_database_url, django_setup  # noqa: E402 - found through the sys.path line above


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=default_database_url("national"))
    parser.add_argument("--recommendations", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    django_setup(options.database_url)

    from django.core.management import call_command
    from django.db.models import Count
    from django.utils import timezone

    from answerable.recommendations.models import Action, Recommendation, Source
    from answerable.reports.content import ReportScope, report_content
    from answerable.reports.documents import report_docx, report_pdf

    call_command("migrate", verbosity=0)
    chosen, total = [], 0
    for source in Source.objects.annotate(n=Count("recommendations")).order_by("pk"):
        chosen.append(source.pk)
        total += source.n
        if total >= options.recommendations:
            break
    today = timezone.localdate()
    started = time.perf_counter()
    content = report_content(
        ReportScope(
            title="Bench report",
            actions=Action.objects.filter(source_id__in=chosen),
            recommendations=Recommendation.objects.filter(source_id__in=chosen),
            period_from=today - datetime.timedelta(days=182),
            period_to=today,
        )
    )
    print(f"{len(content['recommendations'])} recommendations in {len(chosen)} sources")
    print(f"content: {time.perf_counter() - started:.2f} s")
    print(f"load average at the start: {os.getloadavg()[0]:.1f}")
    for name, build in (("Word", report_docx), ("PDF", report_pdf)):
        seconds, cpu, size = [], [], 0
        for _ in range(options.repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            size = len(build(content=content))
            seconds.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        # CPU time as well as wall time: on a shared machine the wall time mostly measures
        # the other processes; one report is one thread, so its CPU time is what it costs.
        print(
            f"{name}: first {seconds[0]:.2f} s, median {statistics.median(seconds):.2f} s "
            f"(CPU first {cpu[0]:.2f} s, median {statistics.median(cpu):.2f} s), "
            f"{size // 1024} KB"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
