"""Results cached until the audit chain moves read the chain's head once a request."""

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from answerable.audit.caching import _request_sequence, cached_until_next_change
from answerable.audit.services import audit_record
from answerable.core.testing import sign_in


def _head_reads(context) -> int:
    return sum("audit_auditchainhead" in q["sql"] for q in context.captured_queries)


def test_a_page_with_several_cached_parts_reads_the_chains_head_once(
    client, force_action, scrutiny_officer
):
    sign_in(client, scrutiny_officer)
    url = reverse("recommendations:recommendation_list")  # total, rows and source options
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    assert _head_reads(context) == 1


def test_a_write_in_the_request_is_seen_by_the_reads_after_it(db, scrutiny_officer):
    token = _request_sequence.set({})
    try:
        assert cached_until_next_change(("answer",), lambda: "before") == "before"
        with transaction.atomic():
            audit_record(actor=scrutiny_officer, action="test.changed")
        assert cached_until_next_change(("answer",), lambda: "after") == "after"
        assert cached_until_next_change(("answer",), lambda: "later") == "after"
    finally:
        _request_sequence.reset(token)
