"""Who belongs where, and with which role. Every other app scopes its reads through these."""

import functools
from collections.abc import Iterable
from functools import cached_property
from typing import Any

from django.db import router
from django.db.models import Count, Max, Q, QuerySet
from django.shortcuts import get_object_or_404

from answerable.accounts.models import User
from answerable.core.prepared_rows import prepared_rows
from answerable.core.statements import fixed_sql_cursor
from answerable.organisations.models import (
    TWO_FACTOR_ROLES,
    Membership,
    Organisation,
    OrganisationAlias,
    SignInProvider,
)

_USER = object()  # where the user's id goes in the query of memberships


@functools.cache
def _roles_sql(database: str) -> tuple[str, tuple[object, ...]]:
    """The query of a user's memberships, with whether each organisation is archived, built
    once per database: every signed-in request asks it (two-factor, then the page's scope),
    and building it through the ORM took ten times as long as running it (issue #12)."""
    stand_in = -987_654_321  # never an id
    query = Membership.objects.filter(user_id=stand_in).values_list(*MEMBERSHIP_COLUMNS)
    sql, params = query.query.get_compiler(database).as_sql()
    return sql, tuple(_USER if p == stand_in else p for p in params)


# What a membership row gives `Access`, read here or with the account (organisations.signed_in).
MEMBERSHIP_COLUMNS = ("organisation_id", "role", "organisation__is_archived")
MembershipRow = tuple[int | None, str | None, bool | None]  # all None: the account has none


class Access:
    """A user's memberships, read once per request, answering the permission questions."""

    def __init__(self, user: User) -> None:
        self.user = user

    @classmethod
    def read_with_account(cls, user: User, memberships: Iterable[MembershipRow]) -> "Access":
        """The access of an account whose membership rows were read with it
        (organisations.signed_in): the same roles without asking again."""
        access = cls(user)
        access.__dict__["roles"] = access._roles_of(memberships)
        return access

    @cached_property
    def roles(self) -> dict[int, frozenset[str]]:
        if not self._may_have_roles():  # asks nothing (the API schema's anonymous request)
            return {}
        database = router.db_for_read(Membership)
        sql, params = _roles_sql(database)
        with fixed_sql_cursor(database) as cursor:
            values: list[Any] = [self.user.pk if p is _USER else p for p in params]
            cursor.execute(sql, values)
            return self._roles_of(cursor.fetchall())

    def _roles_of(self, memberships: Iterable[MembershipRow]) -> dict[int, frozenset[str]]:
        """The rule, in one place: an inactive account has no role, nor does a membership of
        an archived organisation."""
        if not self._may_have_roles():
            return {}
        found: dict[int, set[str]] = {}
        for organisation_id, role, archived in memberships:
            if organisation_id is not None and role is not None and not archived:
                found.setdefault(organisation_id, set()).add(role)
        return {org: frozenset(roles) for org, roles in found.items()}

    def _may_have_roles(self) -> bool:
        return bool(self.user.is_authenticated and self.user.is_active)

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
        return self.is_system_administrator or any(
            roles & TWO_FACTOR_ROLES for roles in self.roles.values()
        )

    @property
    def is_system_administrator(self) -> bool:
        return bool(self.user.is_active and getattr(self.user, "is_system_administrator", False))

    @property
    def administered_organisation_ids(self) -> frozenset[int]:
        """The organisations this person may administer.

        An administrator of an office manages the office and the partners in its area; an
        administrator of a partner manages only that partner; a system administrator, all.
        """
        if self.is_system_administrator:
            return frozenset(Organisation.objects.values_list("pk", flat=True))
        administered = self.organisations_with_role(Membership.Role.ADMINISTRATOR)
        if not administered:
            return frozenset()
        partners = Organisation.objects.filter(office_id__in=administered).values_list(
            "pk", flat=True
        )
        return administered | frozenset(partners)

    def can_administer(self, organisation: Organisation) -> bool:
        if self.is_system_administrator:
            return True
        administered = self.organisations_with_role(Membership.Role.ADMINISTRATOR)
        return organisation.pk in administered or organisation.office_id in administered

    def can_archive(self, organisation: Organisation) -> bool:
        """An office is archived only by a system administrator; a partner by its area's."""
        if organisation.kind == Organisation.Kind.PCC_OFFICE:
            return self.is_system_administrator
        return self.can_administer(organisation)

    def can_change_area(self, organisation: Organisation) -> bool:
        """Only a system administrator moves a partner between areas: an office's
        administrator could otherwise take over another office's partner."""
        return self.is_system_administrator and organisation.kind != Organisation.Kind.PCC_OFFICE

    @property
    def is_any_administrator(self) -> bool:
        return self.is_system_administrator or self.has_role(Membership.Role.ADMINISTRATOR)


def access_for(user: User) -> Access:
    """Return the user's Access, cached on the user object for the rest of the request."""
    cached = getattr(user, "_answerable_access", None)
    if cached is None:
        cached = Access(user)
        user._answerable_access = cached  # type: ignore[attr-defined]
    return cached


def scrutiny_office_for(*, user: User) -> Organisation | None:
    """The office whose register and meetings the user's new work goes into: the one they are
    a scrutiny officer of (the first made, for the rare officer of two), or None."""
    offices = access_for(user).organisations_with_role(Membership.Role.SCRUTINY_OFFICER)
    return Organisation.objects.get(pk=min(offices)) if offices else None


def organisation_list(*, include_archived: bool = False) -> QuerySet[Organisation]:
    """Return organisations in name order, leaving archived ones out unless asked."""
    organisations = Organisation.objects.all()
    if not include_archived:
        organisations = organisations.filter(is_archived=False)
    return organisations.order_by("name")


def organisation_option_pairs() -> list[tuple[int, str]]:
    """`organisation_list()` as (id, name) pairs for a filter's options: one query whose SQL
    is built once per process (a list page built it on every view, issue #12)."""
    return [(pk, name) for pk, name in prepared_rows("organisation_options", Organisation, _names)]


def _names() -> QuerySet[Organisation, tuple[int, str]]:
    return organisation_list().values_list("pk", "name")


def organisation_get(*, pk: int) -> Organisation:
    """Return the organisation, archived or not; the caller has checked it may act there."""
    return Organisation.objects.get(pk=pk)


def active_membership_list(*, role: str, organisation_ids: set[int]) -> QuerySet[Membership]:
    """Return the memberships with this role in these organisations, leaving out archived
    organisations and inactive people, with their user."""
    return Membership.objects.filter(
        role=role,
        organisation_id__in=organisation_ids,
        organisation__is_archived=False,
        user__is_active=True,
    ).select_related("user")


def second_approver_required(
    *, office: Organisation, proposed_by_id: int | None, actor: User
) -> bool:
    """The office's four-eyes rule: whether `actor` may not approve what they proposed.

    Where the office requires a second approver, whoever drafted or proposed something (a
    report, a meeting summary, public text, a source's publication) cannot approve it too.
    """
    return office.requires_second_approval and proposed_by_id == actor.pk


def area_organisation_list(*, office: Organisation) -> QuerySet[Organisation]:
    """The office and the partners in its area, in name order, without archived ones."""
    return organisation_list().filter(Q(pk=office.pk) | Q(office=office))


def administered_organisation_list(*, user: User) -> QuerySet[Organisation]:
    """Return the organisations the user administers, archived ones too, offices first."""
    return (
        Organisation.objects.filter(pk__in=access_for(user).administered_organisation_ids)
        .select_related("office")
        .order_by("name")
    )


def administered_organisation_get(*, user: User, pk: int) -> Organisation:
    """Return an organisation the user administers; raise Http404 for any other."""
    return get_object_or_404(administered_organisation_list(user=user), pk=pk)


def administered_membership_get(*, user: User, pk: int) -> Membership:
    """Return a membership in an organisation the user administers; raise Http404 otherwise."""
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation").filter(
            organisation_id__in=access_for(user).administered_organisation_ids
        ),
        pk=pk,
    )


def administered_office_list(*, user: User) -> QuerySet[Organisation]:
    """Return the offices in whose area the user may add partners."""
    access = access_for(user)
    offices = Organisation.objects.filter(kind=Organisation.Kind.PCC_OFFICE, is_archived=False)
    if access.is_system_administrator:
        return offices.order_by("name")
    return offices.filter(
        pk__in=access.organisations_with_role(Membership.Role.ADMINISTRATOR)
    ).order_by("name")


def organisation_alias_map(*, office: Organisation) -> dict[str, list[Organisation]]:
    """The names the office's imports have learnt, by key, with the organisations each means."""
    found: dict[str, list[Organisation]] = {}
    for alias in OrganisationAlias.objects.filter(office=office).select_related("organisation"):
        found.setdefault(alias.key, []).append(alias.organisation)
    return found


def organisation_names_stamp(*, office: Organisation) -> tuple[object, ...]:
    """Changes whenever an organisation or one of the office's aliases is added, changed or
    removed: what an import matched owner names against is still what it would match now."""
    organisations = Organisation.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
    aliases = OrganisationAlias.objects.filter(office=office).aggregate(
        n=Count("pk"), at=Max("updated_at")
    )
    return (organisations["n"], organisations["at"], aliases["n"], aliases["at"])


def sign_in_provider_for_email(*, email: str) -> SignInProvider | None:
    """The enabled sign-in service of the organisation whose domain the address is at."""
    domain = email.strip().lower().rpartition("@")[2]
    if not domain:
        return None
    candidates = SignInProvider.objects.filter(
        is_enabled=True, organisation__is_archived=False, email_domains__icontains=domain
    ).select_related("organisation")
    return next((provider for provider in candidates if domain in provider.domains), None)


def sign_in_provider_domains_taken(*, provider: SignInProvider) -> dict[str, Organisation]:
    """The provider's domains that another organisation's provider already signs in for."""
    taken = {}
    others = SignInProvider.objects.exclude(pk=provider.pk).select_related("organisation")
    for other in others:
        for domain in set(provider.domains) & set(other.domains):
            taken[domain] = other.organisation
    return taken


def sign_in_provider_enabled_get(*, pk: int) -> SignInProvider | None:
    """The provider, with its organisation, if it is still switched on; None otherwise."""
    return (
        SignInProvider.objects.filter(pk=pk, is_enabled=True).select_related("organisation").first()
    )
