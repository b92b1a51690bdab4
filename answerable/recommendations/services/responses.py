"""Recording responses: the addressee's response to a recommendation, and the statutory
response to a source. Recording one again replaces it (the audit keeps both), so each is
made from a form drawn from one version of the row; a save drawn from an older version is
refused (issue #11)."""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.core.files import CheckedFile
from answerable.core.models import locked_for_edit
from answerable.recommendations.models import Recommendation, Source
from answerable.recommendations.services.lifecycle import (
    recommendation_locked_for_edit,
    require_manager,
)

CONFLICT = gettext_lazy(
    "Someone else recorded a response while you were recording yours. "
    "Check their response below and record yours again."
)


@transaction.atomic
def recommendation_response_record(
    *,
    actor: User,
    recommendation: Recommendation,
    expected_version: int,
    response: str,
    response_text: str,
    responded_on: datetime.date,
) -> Recommendation:
    """Record how the addressee responded: accepted, accepted in principle, and so on.

    `expected_version` is the version of the recommendation the form was drawn from.
    """
    require_manager(actor, recommendation.source, _("You cannot record responses for this source"))
    if not response:
        raise ValidationError({"response": _("Select the response")})
    recommendation = recommendation_locked_for_edit(
        recommendation,
        expected_version=expected_version,
        conflict=str(CONFLICT),
        archived=_("This is archived: restore it before changing it"),
    )
    before = [recommendation.response, recommendation.response_text, recommendation.responded_on]
    recommendation.response = response
    recommendation.response_text = response_text.strip()
    recommendation.responded_on = responded_on
    recommendation.version += 1
    recommendation.full_clean()
    recommendation.save(
        update_fields=["response", "response_text", "responded_on", "version", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="recommendation.response_recorded",
        target=recommendation,
        organisation=recommendation.source.owner,
        changes={
            "response": [before[0], response],
            "response_text": [before[1], response_text],
            "responded_on": [before[2], responded_on],
        },
    )
    return recommendation


@transaction.atomic
def source_response_record(
    *,
    actor: User,
    source: Source,
    expected_version: int,
    responded_on: datetime.date,
    response_url: str = "",
    response_document: CheckedFile | None = None,
) -> Source:
    """Record the statutory response to the source (the PCC's s55 comments, an IICSA
    response): when it was published, where, and a copy of it as evidence. Its clock stops.

    A document already on file stays unless another replaces it. `expected_version` is the
    version of the source the form was drawn from.
    """
    require_manager(actor, source, _("You cannot change this source"))
    if responded_on > timezone.localdate():
        raise ValidationError({"responded_on": _("The date of the response must be in the past")})
    source = locked_for_edit(
        Source.objects.select_related("owner"),
        pk=source.pk,
        expected_version=expected_version,
        message=str(CONFLICT),
    )
    if source.is_archived:
        raise ValidationError(_("An archived source cannot be changed: restore it first"))
    changes: dict[str, list[object]] = {"responded_on": [source.responded_on, responded_on]}
    if response_url != source.response_url:
        changes["response_url"] = [source.response_url, response_url]
    source.responded_on = responded_on
    source.response_url = response_url
    source.version += 1
    fields = ["responded_on", "response_url", "version", "updated_at"]
    if response_document is not None:
        changes["response_document"] = [
            source.response_document_sha256 or None,
            response_document.sha256,
        ]
        source.response_document.save(
            f"{response_document.sha256}.{response_document.kind}",
            ContentFile(response_document.content),
            save=False,
        )
        source.response_document_sha256 = response_document.sha256
        fields += ["response_document", "response_document_sha256"]
    source.full_clean()
    source.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="source.response_recorded",
        target=source,
        organisation=source.owner,
        changes=changes,
    )
    return source
