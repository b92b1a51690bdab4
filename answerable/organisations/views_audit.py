"""The audit trail of the offices someone administers or scrutinises.

Here rather than in `audit`, which records and verifies events beneath every other app and so
cannot read who may see them (docs/STYLE.md: audit depends on core alone).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from answerable.accounts.http import AuthenticatedHttpRequest
from answerable.audit.descriptions import describe
from answerable.audit.selectors import audit_event_list_for_organisations
from answerable.core.views_helpers import paginate, pagination_params
from answerable.organisations.models import Membership
from answerable.organisations.selectors import access_for


@login_required
@require_GET
def audit_trail(request: AuthenticatedHttpRequest) -> HttpResponse:
    access = access_for(request.user)
    offices = access.organisations_with_role(Membership.Role.ADMINISTRATOR) | (
        access.organisations_with_role(Membership.Role.SCRUTINY_OFFICER)
    )
    if not offices:
        raise PermissionDenied
    page = paginate(request, audit_event_list_for_organisations(organisation_ids=offices))
    return render(
        request,
        "organisations/audit_trail.html",
        {
            "title": _("Audit trail"),
            "page": page,
            "pagination": pagination_params(request, page),
            "describe_event": describe,
            "active_nav": "audit",
        },
    )
