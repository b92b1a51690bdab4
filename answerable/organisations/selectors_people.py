"""The people of the organisations someone administers (issue #18).

Which organisations an administrator manages is decided by `Access` in selectors.py alone;
these read people through it.
"""

import operator
from functools import reduce

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_otp import device_classes

from answerable.accounts.models import User
from answerable.accounts.selectors import user_get_by_email, user_list
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.selectors import access_for, administered_organisation_get


def _has_two_factor() -> ExpressionWrapper:
    """Whether the user has a confirmed device of any kind: one EXISTS per device table."""
    confirmed = [
        Exists(model.objects.filter(user=OuterRef("pk"), confirmed=True))
        for model in device_classes()
    ]
    return ExpressionWrapper(reduce(operator.or_, confirmed), output_field=BooleanField())


def person_list(*, organisation: Organisation) -> QuerySet[User]:
    """The organisation's people, each once, by name: their roles there (`roles_here`), last
    sign-in, whether they have set up two-factor (`has_two_factor`) and are active. Two
    queries, however many people."""
    roles_here = Membership.objects.filter(organisation=organisation).order_by("role")
    return (
        user_list()
        .filter(pk__in=Membership.objects.filter(organisation=organisation).values("user_id"))
        .annotate(has_two_factor=_has_two_factor())
        .prefetch_related(Prefetch("memberships", queryset=roles_here, to_attr="roles_here"))
        .order_by("full_name", "email")
    )


def administered_person_get(
    *, user: User, organisation_pk: int, pk: int
) -> tuple[Organisation, User]:
    """The organisation, if `user` administers it, and one of its people; Http404 otherwise."""
    organisation = administered_organisation_get(user=user, pk=organisation_pk)
    return organisation, get_object_or_404(person_list(organisation=organisation), pk=pk)


def person_management_refusal(*, actor: User, person: User) -> str | None:
    """Why `actor` may not deactivate, reactivate or reset the two-factor of `person`; None
    if they may.

    These change the whole account, which may hold roles in organisations of other areas:
    the actor must administer every organisation in which the person has a role, or an
    administrator of one partner could lock out another office's administrator.
    """
    if person.pk == actor.pk:
        return _("You cannot do this to your own account")
    access = access_for(actor)
    if access.is_system_administrator:
        return None
    if person.is_system_administrator:
        return _("Only a system administrator can change a system administrator's account")
    theirs = set(
        Membership.objects.filter(user=person, organisation__is_archived=False).values_list(
            "organisation_id", flat=True
        )
    )
    if theirs - access.administered_organisation_ids:
        return _(
            "%(name)s also has a role in an organisation you do not administer, so only a "
            "system administrator can do this. You can remove their roles here instead."
        ) % {"name": person.full_name or person.email}
    return None


def account_exists(*, email: str) -> bool:
    """Whether someone already has an account with this address, active or not (for the
    invitation page's message: an administrator may know this, as the invitation says)."""
    return user_get_by_email(email=email) is not None
