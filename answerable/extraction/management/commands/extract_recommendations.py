import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from answerable.core.tables import csv_stream
from answerable.extraction.reports import COLUMNS, import_rows, report_extract
from answerable.recommendations.models import Recommendation


class Command(BaseCommand):
    help = (
        "Find the recommendations, causes of concern and areas for improvement in a report "
        "PDF and write them as a CSV file in the register's import format, to check and then "
        "import (manage.py import_recommendations or the import pages). Nothing is written "
        "to the register."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path to the report PDF.")
        parser.add_argument(
            "--output",
            help="Path of the CSV file to write; the CSV goes to standard output if not given.",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=min(2, os.cpu_count() or 1),
            help="Processes reading a long report's pages at once (default: up to 2).",
        )
        parser.add_argument(
            "--source-title",
            help="The source's title in the CSV; the PDF's own title, or its file name, if "
            "not given.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            with path.open("rb") as handle:
                extraction = report_extract(
                    File(handle, name=path.name), workers=max(1, options["workers"])
                )
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        title = options["source_title"] or extraction.title
        lines = csv_stream(COLUMNS, import_rows(extraction.items, source=title))
        output = options["output"]
        if output:
            _write_whole(Path(output), "".join(lines))
        else:
            for line in lines:
                self.stdout.write(line, ending="")
        counts = Counter(item.finding_type for item in extraction.items)
        found = ", ".join(
            f"{counts[value]} {label.lower()}"
            for value, label in Recommendation.FindingType.choices
            if counts[value]
        )
        where = f"; wrote {output}" if output else ""
        self.stderr.write(
            f"Found {len(extraction.items)} items in {extraction.file.name} ({found}) "
            f"under the source title “{title}”{where}."
        )


def _write_whole(path: Path, text: str) -> None:
    """Write the file whole or not at all: a half-written CSV would import half a report."""
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", newline="", dir=path.parent or ".", delete=False
        ) as handle:
            handle.write(text)
        os.replace(handle.name, path)
    except OSError as error:
        raise CommandError(f"Cannot write {path}: {error.strerror}") from None
