import datetime
import io
import multiprocessing

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from answerable.audit.models import AuditEvent
from answerable.core.testing import sign_in, xlsx_stray_cell
from answerable.indicators.models import IndicatorValue
from answerable.indicators.tests.factories import IndicatorFactory
from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import member

UPLOAD = reverse("indicators:indicator_import_upload")
CHECK = reverse("indicators:indicator_import_check")


@pytest.fixture
def indicator(force, office):
    return IndicatorFactory(owner=force, office=office, name="CSE referrals")


def _upload(client, text, name="figures.csv"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, text.encode())})


def test_the_lead_uploads_checks_and_imports_a_file(client, force_lead, indicator):
    sign_in(client, force_lead)
    response = _upload(
        client,
        "indicator,period,value,note\nCSE referrals,2024-01,12,\nCSE referrals,2024-02,15,\n",
    )
    assert response.status_code == 302
    assert response["Location"] == CHECK
    page = client.get(CHECK).content.decode()
    assert "Every row has been checked. Nothing has been added yet." in page
    assert "Import 2 figures" in page
    assert not IndicatorValue.objects.exists()
    response = client.post(CHECK)
    assert response.status_code == 302
    assert IndicatorValue.objects.filter(indicator=indicator).count() == 2
    assert AuditEvent.objects.filter(action="indicator_value.imported").count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "2 figures imported from figures.csv" in page


def test_problems_are_listed_by_row_and_column_with_an_error_summary(client, force_lead, indicator):
    sign_in(client, force_lead)
    _upload(client, "indicator,period,value\nCSE referrals,2024-01,12\nCSE referrals,soon,x\n")
    page = client.get(CHECK).content.decode()
    assert "<title>Error: Check the figures" in page
    assert "govuk-error-summary" in page
    assert "Row 3, Period: soon is not a period" in page
    assert 'href="#import-error-1"' in page
    assert "Import " not in page.split("</h1>")[1].split("</main>")[0].replace("Import figures", "")
    assert client.post(CHECK).status_code == 200  # confirming anyway writes nothing
    assert not IndicatorValue.objects.exists()


def test_an_xlsx_file_with_date_cells_is_read(client, force_lead, indicator):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["code", "period", "value"])
    sheet.append([indicator.pk, datetime.datetime(2024, 3, 1), 7])  # noqa: DTZ001
    buffer = io.BytesIO()
    workbook.save(buffer)
    sign_in(client, force_lead)
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("figures.xlsx", buffer.getvalue())})
    assert response.status_code == 302
    client.post(CHECK)
    assert IndicatorValue.objects.get().period_start == datetime.date(2024, 3, 1)


def test_a_file_that_is_not_a_table_is_refused_on_the_upload_page(client, force_lead, indicator):
    sign_in(client, force_lead)
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("figures.csv", b"%PDF-1.4 x")})
    assert response.status_code == 200
    assert "must be a CSV or XLSX file" in response.content.decode()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_template_holds_a_row_for_each_indicator_recorded(client, force_lead, indicator, kind):
    sign_in(client, force_lead)
    response = client.get(reverse("indicators:indicator_import_template", args=[kind]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if kind == "csv" else response.content
    if kind == "csv":
        lines = content.decode("utf-8-sig").splitlines()
        assert lines[0] == "code,indicator,period,value,breakdown,note,reason"
        assert lines[1].startswith(f"{indicator.pk},CSE referrals,")
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        assert [c.value for c in sheet[2]][:2] == [str(indicator.pk), "CSE referrals"]


@pytest.mark.parametrize("url", [UPLOAD, CHECK, "/indicators/import/template.csv"])
def test_those_who_record_nothing_are_refused(client, force, indicator, url):
    sign_in(client, member(force, Membership.Role.VIEWER))
    assert client.get(url).status_code == 403
    assert client.post(url).status_code in (403, 405)


@pytest.mark.parametrize("url", [UPLOAD, CHECK, "/indicators/import/template.csv"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_a_file_that_takes_longer_than_the_limit_to_read_is_refused_with_a_message(
    client, force_lead, indicator, settings
):
    settings.UPLOAD_PARSE_SECONDS = 0.1
    sign_in(client, force_lead)
    slow = xlsx_stray_cell(["indicator", "period", "value"], ["CSE referrals", "2024-01", "12"])
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("slow.xlsx", slow)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert (
        "The file slow.xlsx took too long to read (or needed too much memory). Check it is "
        "the right file, delete any empty rows at its end, save it again and upload it"
    ) in page
    assert client.get(CHECK).status_code == 302  # nothing kept to check
    assert not IndicatorValue.objects.exists()
    assert not AuditEvent.objects.exists()
    assert multiprocessing.active_children() == []
