"""The report's documents: summary charts with their tables, and headings to navigate by, in
the preview, the tagged PDF and Word."""

import io
import re

from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from answerable.core.testing import sign_in
from answerable.recommendations.selectors import action_list, recommendation_list
from answerable.reports.content import ReportScope, report_content
from answerable.reports.documents import report_docx, report_pdf
from answerable.reports.tests.helpers import period, preview_query

CHART_IDS = ("recommendations-chart", "delivery-chart", "assurance-chart")


def _content(user):
    return report_content(
        ReportScope(
            title="Report",
            actions=action_list(user=user),
            recommendations=recommendation_list(user=user),
            **period(),
        )
    )


def test_each_summary_chart_is_described_and_followed_by_its_table(
    client, register, scrutiny_officer
):
    sign_in(client, scrutiny_officer)
    html = client.get(reverse("reports:report_preview"), preview_query(register)).content.decode()
    summary = html.split('id="summary"', 1)[1].split('id="changes"', 1)[0]
    order = [
        "recommendations-chart",
        "recommendations-by-assurance",
        "delivery-chart",
        "actions-by-delivery",
        "assurance-chart",
        "actions-by-assurance",
    ]
    # Every chart has its table, straight after it.
    assert sorted(order, key=lambda id_: summary.index(f'id="{id_}"')) == order
    for chart_id in CHART_IDS:
        chart = summary.split(f'id="{chart_id}"', 1)[1].split("</svg>", 1)[0]
        assert 'role="img"' in chart
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in chart
        assert "The figures are in the table below the chart." in chart
    delivery = summary.split('id="delivery-chart"', 1)[1].split("</svg>", 1)[0]
    # Shire Police: one action completed, one not started; Shire Council: one not started.
    assert re.findall(r"<title>([^<]+): (\d+)</title>", delivery) == [
        ("Not started", "1"),
        ("Not started", "1"),
        ("Completed", "1"),
    ]
    assert "<script" not in summary


def test_the_pdf_is_tagged_with_headings_to_navigate_by_and_described_charts(
    register, scrutiny_officer
):
    content = _content(scrutiny_officer)
    reader = PdfReader(io.BytesIO(report_pdf(content=content)))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] in (True, "true")
    kinds, figures = [], []

    def walk(element):
        element = element.get_object()
        if isinstance(element, list):
            for child in element:
                walk(child)
            return
        if not hasattr(element, "get") or "/S" not in element:
            return
        kinds.append(element["/S"])
        if element["/S"] == "/Figure":
            figures.append(str(element.get("/Alt", "")))
        for child in element.get("/K", []) if isinstance(element.get("/K"), list) else []:
            walk(child)

    walk(root["/StructTreeRoot"]["/K"])
    # A heading for the source and one for each recommendation, below the section's.
    assert kinds.count("/H3") >= 1
    assert kinds.count("/H4") == len(content["recommendations"]) == 3
    assert len(figures) == 4
    assert all(figures)  # PDF/UA: every figure has its alternative text
    assert "Bar chart: recommendations by assurance status" in figures
    assert "Bar chart: each organisation's actions by delivery status" in figures
    assert "Burn-up: actions in scope and actions delivered, by month" in figures
    bookmarks = []

    def titles(outline):
        for entry in outline:
            if isinstance(entry, list):
                titles(entry)
            else:
                bookmarks.append(entry.title)

    titles(reader.outline)
    assert register.title in bookmarks
    assert [r["reference"] for r in content["recommendations"]][0] in bookmarks


def test_word_puts_each_recommendation_under_its_source_as_headings(register, scrutiny_officer):
    content = _content(scrutiny_officer)
    document = Document(io.BytesIO(report_docx(content=content)))
    headings = [(p.style.name, p.text) for p in document.paragraphs if "Heading" in p.style.name]
    assert ("Heading 1", "Recommendations") in headings
    assert ("Heading 2", register.title) in headings
    references = [text for style, text in headings if style == "Heading 3"]
    assert [r["reference"] for r in content["recommendations"]] == references[-3:]
    assert ("Heading 2", "Actions by organisation and assurance") in headings
