"""Archiving a course the force no longer requires, and restoring it (issue #17)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from answerable.audit.models import AuditEvent
from answerable.core.testing import sign_in
from answerable.workforce import selectors, services
from answerable.workforce.tests.factories import CourseFactory


@pytest.fixture
def course(force):
    return CourseFactory(owner=force, code="CSE", title="Crime scene preservation")


def test_a_force_lead_archives_a_course_out_of_the_list_and_restores_it(
    client, course, force_lead, scrutiny_officer, force_action
):
    sign_in(client, force_lead)
    response = client.post(
        reverse("workforce:course_archive", args=[course.pk]), {"reason": "Replaced by CSE2"}
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.is_archived
    for user in (force_lead, scrutiny_officer):
        assert list(selectors.course_list(user=user)) == []
    page = client.get(course.get_absolute_url()).content.decode()
    assert 'id="archived-notice"' in page
    assert "Restore the course" in page
    [event] = AuditEvent.objects.filter(action="course.archived")
    assert (event.note, event.target_id) == ("Replaced by CSE2", str(course.pk))

    client.post(reverse("workforce:course_restore", args=[course.pk]), {"reason": ""})
    assert [c.pk for c in selectors.course_list(user=scrutiny_officer)] == [course.pk]
    assert AuditEvent.objects.filter(action="course.restored").count() == 1


def test_only_the_forces_lead_officers_archive_its_courses(
    client, course, scrutiny_officer, force_action
):
    with pytest.raises(PermissionDenied):
        services.course_archive(actor=scrutiny_officer, course=course, reason="Not ours")
    sign_in(client, scrutiny_officer)
    assert client.get(reverse("workforce:course_archive", args=[course.pk])).status_code == 403
    course.refresh_from_db()
    assert not course.is_archived


def test_archiving_needs_a_reason(course, force_lead):
    with pytest.raises(ValidationError, match="Enter why"):
        services.course_archive(actor=force_lead, course=course, reason="")
    assert not AuditEvent.objects.filter(action="course.archived").exists()
