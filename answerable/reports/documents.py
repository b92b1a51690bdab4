"""A progress report's content as a PDF (tagged) and a Word document (real headings and styles).

Both read only the content dictionary (`reports.content`), so they carry what the preview showed.
"""

import io
from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from answerable.core.pdf import tagged_pdf
from answerable.reports.charts import report_charts, report_figures
from answerable.reports.content import report_burnup
from answerable.reports.pictures import add_picture, bar_chart_png, burnup_png


def report_pdf(*, content: dict[str, Any]) -> bytes:
    """The report as a tagged PDF (PDF/UA), readable by screen readers."""
    context = {"content": content, **report_figures(content)}
    return tagged_pdf(render_to_string("reports/report_pdf.html", context), variant="pdf/ua-1")


def _table(document: Any, header: list[str], rows: Sequence[Sequence[object]]) -> None:
    """A grid table whose header row repeats on every page it spans."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = str(value)


def _heading(document: Any, text: str, level: int) -> None:
    """A paragraph in Word's own Title or Heading style, as `document.add_heading` makes.

    Set by style id: python-docx looks a style up by name by scanning every style, twice a
    call, which was a third of a 500-recommendation report's time.
    """
    document.add_paragraph(text)._p.style = f"Heading{level}" if level else "Title"


def _labelled(document: Any, label: str, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(text)


def _contents_field(document: Any) -> None:
    """A table of contents field over headings 1 to 2, filled in when Word updates fields."""
    run = document.add_paragraph().add_run()
    for kind, text in (("begin", None), (None, 'TOC \\o "1-2" \\h \\z \\u'), ("separate", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
    run.add_text(_("Right-click and choose Update field to show the contents."))
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _burnup(document: Any, content: dict[str, Any]) -> None:
    chart = report_burnup(content)
    if chart is None:
        return
    _heading(document, _("Actions delivered over time"), level=2)
    add_picture(
        document,
        burnup_png(chart),
        _("Burn-up: actions in scope and delivered by month; the table below gives the figures."),
    )
    rows = [[date_format(p.month, "F Y"), p.total, p.done] for p in chart.points]
    rows += [
        [
            f"{date_format(r.month_end, 'F Y')} " + _("(forecast)"),
            chart.points[-1].total,
            f"{r.low}–{r.high}",
        ]
        for r in chart.band_rows
    ]
    _table(document, [_("Month"), _("In scope"), _("Delivered")], rows)


def _summary(document: Any, content: dict[str, Any]) -> None:
    """The summary's three charts, each followed by its table."""
    summary, charts = content["summary"], report_charts(content)
    _heading(document, _("Summary"), level=1)
    assurance_labels, delivery_labels = summary["assurance_labels"], summary["delivery_labels"]
    organisations = summary["organisations"]
    for key, heading, header, rows in (
        (
            "recommendations",
            _("Recommendations by assurance"),
            [label for _value, label in assurance_labels],
            [[summary["recommendations_by_assurance"][v] for v, _label in assurance_labels]],
        ),
        (
            "delivery",
            _("Actions by organisation and delivery status"),
            [_("Organisation"), *(label for _value, label in delivery_labels), _("Total")],
            [
                [o["name"], *(o["delivery"][v] for v, _label in delivery_labels), o["total"]]
                for o in organisations
            ],
        ),
        (
            "assurance",
            _("Actions by organisation and assurance"),
            [_("Organisation"), *(label for _value, label in assurance_labels)],
            [
                [o["name"], *(o["assurance"][v] for v, _label in assurance_labels)]
                for o in organisations
            ],
        ),
    ):
        _heading(document, heading, level=2)
        if chart := charts[key]:
            description = _("Bar chart: %(what)s; the table below gives the figures.")
            add_picture(document, bar_chart_png(chart), description % {"what": heading})
        _table(document, header, rows)


def _changes(document: Any, content: dict[str, Any]) -> None:
    changes, internal = content["changes"], content["audience"] == "internal"
    _heading(document, _("What changed in the period"), level=1)
    for key, heading, date_label in (
        ("completed", _("Newly completed"), _("Completed on")),
        ("assured", _("Newly assured"), _("Assured on")),
        ("reopened", _("Reopened"), _("Reopened on")),
        ("overdue", _("Newly overdue"), _("Target date")),
        ("dates_moved", _("Target dates moved"), _("Old date → new date")),
        ("unable", _("Unable to implement"), _("Recorded on")),
    ):
        rows = changes[key]
        _heading(document, f"{heading} ({len(rows)})", level=2)
        if not rows:
            document.add_paragraph(_("None in this period."))
            continue
        header = [_("Recommendation"), _("Owner"), date_label]
        with_reason = key in ("unable", "dates_moved") and internal
        if with_reason:
            header.append(_("Escalation or reason") if key == "unable" else _("Reason"))
        table_rows = []
        for row in rows:
            when = (
                f"{row['previous_on'] or _('none')} → {row['new_on'] or _('none')}"
                if key == "dates_moved"
                else row["on"]
            )
            values = [f"{row['reference']} ({row['source']})", row["owner"], when]
            table_rows.append([*values, row["reason"]] if with_reason else values)
        _table(document, header, table_rows)


def report_docx(*, content: dict[str, Any]) -> bytes:
    """The report as a Word document: heading styles, a contents field, repeating table headers."""
    document = Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    document.core_properties.title = content["title"]
    _heading(document, content["title"], level=0)
    document.add_paragraph(
        _("Progress from %(start)s to %(end)s. Made on %(made)s from the register.")
        % {
            "start": content["period_from"],
            "end": content["period_to"],
            "made": content["generated_on"],
        }
    )
    _contents_field(document)
    _summary(document, content)
    _changes(document, content)
    _heading(document, _("When will it be done?"), level=1)
    for key, what in (
        ("delivery", _("All open actions delivered")),
        ("assurance", _("All recommendations assured")),
    ):
        f = content["forecast"][key]
        if f["outcome"] == "forecast":
            text = f"{what} ({f['open']}): P50 {f['p50']}, P80 {f['p80']}, P95 {f['p95']}."
        elif f["outcome"] == "nothing_open":
            text = _("%(what)s: nothing is open.") % {"what": what}
        else:
            text = _("%(what)s: not enough history to forecast.") % {"what": what}
        document.add_paragraph(text)
    _burnup(document, content)
    _heading(document, _("Recommendations"), level=1)
    source = None
    for r in content["recommendations"]:  # in order of source, as the PDF groups them
        if r["source"] != source:
            source = r["source"]
            _heading(document, source, level=2)
        _heading(document, r["reference"], level=3)
        document.add_paragraph(r["text"])
        # Labelled paragraphs, not a table per recommendation: python-docx builds a table
        # cell by cell, which made a 500-recommendation report take over 2 seconds.
        verdict = f" ({r['verdict']}, {r['verdict_on']})" if r["verdict"] else ""
        _labelled(document, _("Owners"), ", ".join(r["owners"]) or _("None yet"))
        _labelled(document, _("Assurance"), r["assurance"] + verdict)
        if r["meeting_verdict"]:
            _labelled(
                document,
                _("Meeting verdict"),
                _("%(verdict)s at %(meeting)s on %(on)s")
                % {"verdict": r["meeting_verdict"], "meeting": r["meeting"], "on": r["meeting_on"]},
            )
        _labelled(document, _("Latest update"), r["narrative"] or _("None yet"))
        for line in r.get("indicators", []):
            _labelled(document, _("Indicator"), line)
        if r.get("training"):
            _labelled(document, _("Training coverage"), "; ".join(r["training"]))
        _labelled(document, _("Evidence"), "; ".join(r["evidence"]) or _("None"))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
