"""Conditional GET (issue #12): a client naming what it has is told it has it, and the body
is made only for a client that needs it."""

import datetime
from decimal import Decimal

from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.http import http_date

from answerable.core.conditional import conditional_body, conditional_get, etag_of_parts

CHANGED = datetime.datetime(2026, 3, 1, 9, 30, 15, 500_000, tzinfo=datetime.UTC)


def test_a_body_is_made_only_for_a_client_that_does_not_have_it():
    made = []

    def respond():
        made.append(True)
        return HttpResponse(b"rows")

    tag = etag_of_parts("csv", [[1, "a"]])
    fresh = conditional_get(RequestFactory().get("/"), etag=tag, respond=respond)
    held = conditional_get(
        RequestFactory().get("/", HTTP_IF_NONE_MATCH=tag), etag=tag, respond=respond
    )
    assert (fresh.status_code, held.status_code) == (200, 304)
    assert len(made) == 1
    assert held["ETag"] == fresh["ETag"] == tag
    assert held["Cache-Control"] == "public, max-age=60"


def test_a_client_asking_by_date_is_answered_by_the_newest_change_in_whole_seconds():
    request = RequestFactory().get("/", HTTP_IF_MODIFIED_SINCE=http_date(CHANGED.timestamp()))
    held = conditional_body(request, HttpResponse(b"rows"), last_modified=CHANGED)
    assert held.status_code == 304
    later = CHANGED + datetime.timedelta(seconds=1)
    assert conditional_body(request, HttpResponse(b"rows"), last_modified=later).status_code == 200


def test_the_same_values_give_the_same_tag_and_different_values_another():
    row = [datetime.date(2026, 1, 1), Decimal("4.50"), None, 7]
    assert etag_of_parts("json", row) == etag_of_parts("json", list(row))
    assert etag_of_parts("json", row) != etag_of_parts("xlsx", row)
    assert etag_of_parts([7]) != etag_of_parts(["7"])


def test_an_error_is_passed_on_untagged():
    missing = HttpResponse(b"Not found", status=404)
    answer = conditional_body(RequestFactory().get("/", HTTP_IF_NONE_MATCH="*"), missing)
    assert answer.status_code == 404
    assert "ETag" not in answer
