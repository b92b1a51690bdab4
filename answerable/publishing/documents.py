"""Render a publication's snapshot as HTML, Word (DOCX) and PDF minutes.

All three read only the snapshot, so they carry exactly what the redaction review showed.
"""

import io
from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Pt

from answerable.core.pdf import tagged_pdf


def summary_html(*, content: dict[str, Any], paper_url: Callable[[int], str] | None = None) -> str:
    """The summary body as HTML, for the public page and the redaction review."""
    return render_to_string(
        "publishing/includes/summary_body.html", {"content": content, "paper_url": paper_url}
    )


def minutes_pdf(*, content: dict[str, Any]) -> bytes:
    """The minutes as a PDF (WeasyPrint), tagged for accessibility."""
    return tagged_pdf(render_to_string("publishing/minutes_pdf.html", {"content": content}))


def _add_action_table(document: Any, actions: list[dict[str, Any]]) -> None:
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, (_("Action"), _("Owner"), _("Due")), strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for action in actions:
        owner = action["owner"] + (f" ({action['owner_person']})" if action["owner_person"] else "")
        row = table.add_row().cells
        row[0].text = f"{action['reference']}: {action['description']}"
        row[1].text = owner
        row[2].text = action["due_text"]


def _labelled(document: Any, label: str, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label} ").bold = True
    paragraph.add_run(text)


def minutes_docx(*, content: dict[str, Any]) -> bytes:
    """The minutes as a Word document (python-docx), with real headings and tables."""
    meeting = content["meeting"]
    document = Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    document.core_properties.title = _("%(title)s: minutes") % {"title": meeting["title"]}
    document.core_properties.author = meeting["office"]
    document.add_heading(meeting["title"], level=0)
    details = document.add_table(rows=0, cols=2)
    details.style = "Table Grid"
    for key, value in (
        (_("Meeting"), meeting["kind"]),
        (_("Date and time"), meeting["when"]),
        (_("Venue"), meeting["venue"] or _("Online")),
        (_("Chair"), meeting["chair"]),
        (_("Held by"), meeting["office"]),
    ):
        row = details.add_row().cells
        row[0].text, row[1].text = key, value
    if content["attendees"]:
        document.add_heading(_("Attendees"), level=1)
        for attendee in content["attendees"]:
            text = attendee["name"]
            if attendee["role"]:
                text += f", {attendee['role']}"
            if attendee["organisation"]:
                text += f" ({attendee['organisation']})"
            document.add_paragraph(text, style="List Bullet")
    document.add_heading(_("Agenda items"), level=1)
    for item in content["items"]:
        document.add_heading(f"{item['number']}. {item['title']}", level=2)
        if item["theme"]:
            document.add_paragraph(_("Theme: %(theme)s") % {"theme": item["theme"]})
        if item["description"]:
            document.add_paragraph(item["description"])
        if item["is_action_review"]:
            if item["review"]:
                for action in item["review"]:
                    overdue = "; " + _("overdue") if action["is_overdue"] else ""
                    due = (
                        _("due %(date)s") % {"date": action["due_text"]}
                        if action["due_on"]
                        else _("no due date")
                    )
                    document.add_paragraph(
                        f"{action['reference']}: {action['description']} ({action['owner']}; "
                        f"{due}{overdue})",
                        style="List Bullet",
                    )
            else:
                document.add_paragraph(_("There were no open actions from earlier meetings."))
        if item["recommendations"]:
            refs = "; ".join(f"{r['reference']} ({r['source']})" for r in item["recommendations"])
            _labelled(document, _("Recommendations considered:"), refs)
        if item["papers"]:
            _labelled(document, _("Papers:"), "; ".join(p["title"] for p in item["papers"]))
        for figure in item.get("figures", []):
            latest = figure["latest_text"] or _("no figure for a period that had ended by then")
            _labelled(
                document,
                f"{figure['name']} ({figure['owner']}):",
                f"{latest}. {figure['variation_text']} {figure['assurance_text']}",
            )
        for question in item["questions"]:
            _labelled(
                document,
                _("Question (%(person)s):") % {"person": question["asked_by"]},
                question["text"],
            )
            for response in question["responses"]:
                _labelled(
                    document,
                    _("Response (%(person)s):") % {"person": response["given_by"]},
                    response["text"],
                )
        if item["verdict"]:
            _labelled(
                document,
                _("Verdict: %(verdict)s.") % {"verdict": item["verdict"]["label"]},
                item["verdict"]["rationale"],
            )
    document.add_heading(_("Actions"), level=1)
    if content["actions"]:
        _add_action_table(document, content["actions"])
    else:
        document.add_paragraph(_("No actions were raised."))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
