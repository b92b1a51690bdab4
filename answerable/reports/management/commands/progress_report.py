"""Write a progress report from the command line, for scheduled runs (issue #15)."""

import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string

from answerable.organisations.models import Organisation
from answerable.recommendations.models import Action, Recommendation, Source
from answerable.reports.charts import report_figures
from answerable.reports.content import ReportScope, report_content
from answerable.reports.documents import report_docx, report_pdf


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date: write it as YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Write a progress report on one or more sources, or one organisation's actions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", action="append", default=[], help="a source's exact title")
        parser.add_argument("--organisation", help="an organisation's exact name")
        parser.add_argument("--from", dest="period_from", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="period_to", required=True, help="YYYY-MM-DD")
        parser.add_argument("--format", choices=("pdf", "docx", "html"), default="pdf")
        parser.add_argument("--audience", choices=("internal", "public"), default="internal")
        parser.add_argument("--output", required=True, help="the file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = _date(options["period_from"]), _date(options["period_to"])
        actions, recommendations = Action.objects.all(), Recommendation.objects.all()
        names = []
        if options["source"]:
            sources = list(Source.objects.filter(title__in=options["source"]))
            unknown = set(options["source"]) - {s.title for s in sources}
            if unknown:
                raise CommandError(f"No source is called {', '.join(sorted(unknown))!s}")
            actions = actions.filter(source__in=sources)
            recommendations = recommendations.filter(source__in=sources)
            names += [s.title for s in sources]
        if options["organisation"]:
            owner = Organisation.objects.filter(name=options["organisation"]).first()
            if owner is None:
                raise CommandError(f"No organisation is called {options['organisation']}")
            actions = actions.filter(owner=owner)
            recommendations = recommendations.filter(pk__in=actions.values("recommendation_id"))
            names.append(owner.name)
        if not names:
            raise CommandError("Name at least one --source or an --organisation")
        try:
            content = report_content(
                ReportScope(
                    title=f"Progress report: {'; '.join(names)}",
                    actions=actions,
                    recommendations=recommendations,
                    period_from=start,
                    period_to=end,
                    audience=options["audience"],
                )
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        output = Path(options["output"])
        if options["format"] == "html":
            output.write_text(
                render_to_string(
                    "reports/report_pdf.html", {"content": content, **report_figures(content)}
                )
            )
        else:
            writer = report_pdf if options["format"] == "pdf" else report_docx
            output.write_bytes(writer(content=content))
        self.stdout.write(self.style.SUCCESS(f"Wrote {output}"))
