import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from answerable.recurrence import selectors, services


class Command(BaseCommand):
    help = (
        "Compute the similarity vectors of recommendations whose text is new or changed, place "
        "them in recurring themes and count the themes again (for the themes page); --rebuild "
        "computes every one and every theme again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Recompute every vector and theme (after changing backend or the text rules).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        backend = selectors.active_backend()
        started = time.perf_counter()
        if options["rebuild"]:
            vectors, themes = services.index_rebuild(backend=backend)
            self.stdout.write(
                f"{backend}: {vectors} vectors and {themes} themes in "
                f"{time.perf_counter() - started:.1f} s"
            )
        else:
            vectors = services.refresh_vectors(backend=backend)
            if not vectors:  # nothing placed, so nothing counted yet: statuses may have moved
                services.themes_count(backend=backend)
            self.stdout.write(
                f"{backend}: {vectors} vectors computed and themes counted in "
                f"{time.perf_counter() - started:.1f} s"
            )
