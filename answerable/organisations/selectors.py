"""Who belongs where, and with which role. Every other app scopes its reads through these."""

from functools import cached_property

from django.db.models import QuerySet

from answerable.accounts.models import User
from answerable.organisations.models import TWO_FACTOR_ROLES, Membership, Organisation


class Access:
    """A user's memberships, read once per request, answering the permission questions."""

    def __init__(self, user: User) -> None:
        self.user = user

    @cached_property
    def roles(self) -> dict[int, frozenset[str]]:
        if not self.user.is_authenticated or not self.user.is_active:
            return {}
        found: dict[int, set[str]] = {}
        for organisation_id, role in Membership.objects.filter(
            user=self.user, organisation__is_archived=False
        ).values_list("organisation_id", "role"):
            found.setdefault(organisation_id, set()).add(role)
        return {org: frozenset(roles) for org, roles in found.items()}

    @property
    def organisation_ids(self) -> frozenset[int]:
        return frozenset(self.roles)

    def has_role(self, role: str, organisation_id: int | None = None) -> bool:
        if organisation_id is None:
            return any(role in roles for roles in self.roles.values())
        return role in self.roles.get(organisation_id, frozenset())

    def organisations_with_role(self, role: str) -> frozenset[int]:
        return frozenset(org for org, roles in self.roles.items() if role in roles)

    @property
    def key(self) -> tuple[tuple[int, tuple[str, ...]], ...]:
        """The memberships as a hashable value: what a result shared by the same access is
        cached under."""
        return tuple((org, tuple(sorted(roles))) for org, roles in sorted(self.roles.items()))

    @property
    def needs_two_factor(self) -> bool:
        return any(roles & TWO_FACTOR_ROLES for roles in self.roles.values())


def access_for(user: User) -> Access:
    """Return the user's Access, cached on the user object for the rest of the request."""
    cached = getattr(user, "_answerable_access", None)
    if cached is None:
        cached = Access(user)
        user._answerable_access = cached  # type: ignore[attr-defined]
    return cached


def organisation_list(*, include_archived: bool = False) -> QuerySet[Organisation]:
    """Return organisations in name order, leaving archived ones out unless asked."""
    organisations = Organisation.objects.all()
    if not include_archived:
        organisations = organisations.filter(is_archived=False)
    return organisations.order_by("name")


def user_organisations(*, user: User) -> QuerySet[Organisation]:
    """Return the organisations the user belongs to."""
    return Organisation.objects.filter(pk__in=access_for(user).organisation_ids)


def organisation_get(*, pk: int) -> Organisation:
    """Return an organisation, archived or not; raise Http404 if there is none."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Organisation, pk=pk)


def membership_list(*, organisation: Organisation) -> QuerySet[Membership]:
    """Return the organisation's memberships with their users, by name."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__full_name", "role")
    )
