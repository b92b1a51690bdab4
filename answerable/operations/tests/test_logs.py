"""Every response carries its request's id, and the JSON log lines carry it too."""

import io
import json
import logging

import pytest

from answerable.operations.logs import JsonFormatter, RequestIdFilter, TextFormatter
from answerable.operations.tests.helpers import database_unreachable
from answerable.organisations.tests.factories import UserFactory


@pytest.fixture
def json_lines():
    """What the JSON console handler writes, as configured when ANSWERABLE_LOG_FORMAT=json."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    names = ["answerable.requests", "answerable.example", "django.request"]
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_each_response_has_a_request_id_of_its_own(client, db):
    first = client.get("/healthz/live")["X-Request-ID"]
    second = client.get("/healthz/live")["X-Request-ID"]
    assert len(first) == 32
    assert first != second


def test_the_proxys_request_id_is_kept_and_a_malformed_one_replaced(client, db):
    given = "nginx-4f1c2e9a7b"
    assert client.get("/healthz/live", headers={"X-Request-ID": given})["X-Request-ID"] == given
    forged = client.get("/healthz/live", headers={"X-Request-ID": "bad id\nwith a newline"})
    assert forged["X-Request-ID"] != "bad id\nwith a newline"
    assert len(forged["X-Request-ID"]) == 32


def test_each_request_is_logged_as_json_by_view_with_its_id_and_no_path(client, db, json_lines):
    response = client.get("/about/privacy/?q=Jane+Smith")
    [line] = [line for line in json_lines() if line["logger"] == "answerable.requests"]
    assert line["request_id"] == response["X-Request-ID"]
    assert (line["method"], line["view"], line["status"]) == ("GET", "info:privacy", 200)
    assert line["level"] == "INFO"
    assert isinstance(line["duration_ms"], float)
    assert "privacy/" not in json.dumps(line)
    assert "Jane" not in json.dumps(line)


def test_djangos_own_line_about_a_failed_response_carries_the_request_id(client, db, json_lines):
    with database_unreachable():
        response = client.get("/healthz/ready")
    [line] = [line for line in json_lines() if line["logger"] == "django.request"]
    assert line["message"] == "Service Unavailable: /healthz/ready"
    assert line["request_id"] == response["X-Request-ID"]
    after = logging.LogRecord("x", logging.INFO, __file__, 1, "after", (), None)
    RequestIdFilter().filter(after)
    assert after.request_id == "-"  # the request has finished


def test_email_addresses_are_masked_in_messages_and_tracebacks(json_lines):
    logger = logging.getLogger("answerable.example")
    try:
        raise ValueError("duplicate key (email)=(jane.smith@force.police.uk)")
    except ValueError:
        logger.exception("Could not save jane.smith@force.police.uk")
    [line] = json_lines()
    assert line["message"] == "Could not save [email]"
    assert "ValueError: duplicate key (email)=([email])" in line["exception"]
    assert "jane.smith" not in json.dumps(line)
    assert line["request_id"] == "-"  # outside a request


def test_the_development_console_stays_readable():
    record = logging.LogRecord(
        "answerable.imports", logging.WARNING, __file__, 1, "Import %s failed", (7,), None
    )
    RequestIdFilter().filter(record)
    assert TextFormatter().format(record) == "WARNING answerable.imports [-] Import 7 failed"


def test_a_refusal_is_logged_in_one_line_without_a_traceback(client, db):
    """The console handler as configured: a 403 is a warning line, never a traceback."""
    [console] = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    stream = io.StringIO()
    original = console.setStream(stream)
    try:
        assert client.get("/organisations/audit/").status_code == 302  # signed out: sign in
        client.force_login(UserFactory())
        assert client.get("/organisations/audit/").status_code == 403
    finally:
        console.setStream(original)
    logged = stream.getvalue()
    assert "Forbidden (Permission denied): /organisations/audit/" in logged
    assert "Traceback" not in logged
