"""Organisations, memberships and invitations. Administrators make these changes.

An office's administrators manage the office and the partners in its area; only a system
administrator adds, moves or archives an office (issue #11: administration was global).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from answerable.accounts.models import User
from answerable.accounts.selectors import user_get_by_email
from answerable.audit.services import audit_record
from answerable.core.models import locked_for_edit
from answerable.organisations.models import (
    Membership,
    Organisation,
    OrganisationAlias,
    organisation_name_key,
)
from answerable.organisations.selectors import access_for
from answerable.organisations.services_people import new_role_notify, password_set_link


def _require_administrator(actor: User, organisation: Organisation) -> None:
    if not access_for(actor).can_administer(organisation):
        raise PermissionDenied("Only an administrator of its area manages this organisation")


def _require_system_administrator(actor: User) -> None:
    if not access_for(actor).is_system_administrator:
        raise PermissionDenied("Only a system administrator manages offices")


def _locked_for_edit(organisation: Organisation, expected_version: int) -> Organisation:
    """The organisation as saved, locked, if it is still the version the form was drawn from."""
    return locked_for_edit(
        Organisation.objects.all(),
        pk=organisation.pk,
        expected_version=expected_version,
        message=_(
            "Someone else changed this organisation while you were editing it. "
            "Check their changes below and make yours again."
        ),
    )


def _created(
    actor: User, organisation: Organisation, *, recorded_for: Organisation, note: str = ""
) -> Organisation:
    """Save the new organisation and record it in `recorded_for`'s trail."""
    organisation.full_clean()
    organisation.save()
    audit_record(
        actor=actor,
        action="organisation.created",
        target=organisation,
        organisation=recorded_for,
        changes={
            "name": [None, organisation.name],
            "kind": [None, organisation.kind],
            "office": [None, organisation.office_id],
        },
        note=note,
    )
    return organisation


@transaction.atomic
def organisation_create(
    *,
    actor: User,
    name: str,
    kind: str,
    short_name: str = "",
    office: Organisation | None = None,
) -> Organisation:
    """Add an office (system administrators only) or a partner in an office's area."""
    if not access_for(actor).is_any_administrator:
        raise PermissionDenied("Only administrators manage organisations and users")
    if kind == Organisation.Kind.PCC_OFFICE:
        _require_system_administrator(actor)
        office = None
    elif office is None:
        raise ValidationError({"office": _("Select the office whose area the partner is in")})
    else:
        _require_administrator(actor, office)
    if Organisation.objects.filter(name__iexact=name.strip()).exists():
        raise ValidationError(
            {"name": _("An organisation called %(name)s already exists") % {"name": name.strip()}}
        )
    organisation = Organisation(
        name=name.strip(), short_name=short_name.strip(), kind=kind, office=office
    )
    return _created(actor, organisation, recorded_for=office or organisation)


@transaction.atomic
def organisation_archive(*, actor: User, organisation: Organisation, reason: str) -> Organisation:
    """Archive an organisation with a reason; its records stay, its members lose access."""
    if not access_for(actor).can_archive(organisation):
        raise PermissionDenied("Only a system administrator, or its area's, archives this")
    if not reason.strip():
        raise ValidationError({"reason": _("Enter the reason for archiving the organisation")})
    # Decide on the row as saved now: a second archive must not record a second event.
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.is_archived:
        raise ValidationError({"reason": f"{organisation.name} is already archived"})
    organisation.is_archived = True
    organisation.archived_reason = reason.strip()
    organisation.save(update_fields=["is_archived", "archived_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="organisation.archived",
        target=organisation,
        organisation=organisation,
        changes={"is_archived": [False, True]},
        note=reason.strip(),
    )
    return organisation


@transaction.atomic
def organisation_area_set(
    *, actor: User, organisation: Organisation, office: Organisation, expected_version: int
) -> Organisation:
    """Put a partner in an office's area, whose administrators then manage it.

    `expected_version` is the version the administrator's form was drawn from: if someone
    else saved the organisation since, nothing is saved and they are asked to choose again.
    """
    if not access_for(actor).can_change_area(organisation):
        raise PermissionDenied("Only a system administrator moves a partner between areas")
    organisation = _locked_for_edit(organisation, expected_version)
    previous = organisation.office_id
    organisation.office = office
    organisation.version += 1
    organisation.full_clean()
    organisation.save(update_fields=["office", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="organisation.area_changed",
        target=organisation,
        organisation=office,
        changes={"office": [previous, office.pk]},
    )
    return organisation


@transaction.atomic
def membership_grant(
    *, actor: User, user: User, organisation: Organisation, role: str
) -> Membership:
    """Give a user a role in an organisation."""
    _require_administrator(actor, organisation)
    if organisation.is_archived:
        raise ValidationError({"organisation": f"{organisation.name} is archived"})
    if Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
        raise ValidationError({"role": f"{user} already has that role in {organisation.name}"})
    membership = Membership(user=user, organisation=organisation, role=role)
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        action="membership.granted",
        target=user,
        organisation=organisation,
        changes={"role": [None, role]},
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: User, membership: Membership) -> None:
    """Take a role away. The membership row goes; the audit event keeps the history."""
    _require_administrator(actor, membership.organisation)
    if membership.user_id == actor.pk and membership.role == Membership.Role.ADMINISTRATOR:
        raise ValidationError(_("You cannot remove your own administrator role"))
    audit_record(
        actor=actor,
        action="membership.revoked",
        target=membership.user,
        organisation=membership.organisation,
        changes={"role": [membership.role, None]},
    )
    membership.delete()


@transaction.atomic
def user_invite(
    *,
    actor: User,
    email: str,
    full_name: str,
    organisation: Organisation,
    role: str,
    base_url: str,
) -> User:
    """Create an account with no password and email a link to set one.

    Someone who already has an account (in another organisation, say) is given the role as
    well, and told by email; their name stays as it is (issue #18).
    """
    _require_administrator(actor, organisation)
    email = email.strip().lower()
    existing = user_get_by_email(email=email)
    if existing is not None:
        membership_grant(actor=actor, user=existing, organisation=organisation, role=role)
        new_role_notify(
            actor=actor, user=existing, organisation=organisation, role=role, base_url=base_url
        )
        return existing
    if not full_name.strip():
        raise ValidationError({"full_name": _("Enter the person's name")})
    user = User(email=email, full_name=full_name.strip())
    user.set_unusable_password()
    user.full_clean()
    user.save()
    audit_record(
        actor=actor,
        action="user.invited",
        target=user,
        organisation=organisation,
        changes={"email": [None, email], "full_name": [None, user.full_name]},
    )
    membership_grant(actor=actor, user=user, organisation=organisation, role=role)
    link = password_set_link(user=user, base_url=base_url)
    message = _(
        "%(actor)s has given you access to Answerable as %(role)s for %(organisation)s.\n\n"
        "Set your password here (the link works once, for 3 days):\n%(link)s\n"
    ) % {
        "actor": actor.full_name,
        "role": Membership.Role(role).label.lower(),
        "organisation": organisation.name,
        "link": link,
    }
    transaction.on_commit(
        lambda: send_mail(
            subject=_("Your Answerable account"),
            message=message,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[email],
        )
    )
    return user


@transaction.atomic
def office_approval_rule_set(
    *, actor: User, office: Organisation, requires_second_approval: bool, expected_version: int
) -> Organisation:
    """Turn the office's four-eyes rule for its reports on or off."""
    _require_administrator(actor, office)
    if office.kind != Organisation.Kind.PCC_OFFICE:
        raise ValidationError(_("Only a PCC's office sets an approval rule"))
    office = _locked_for_edit(office, expected_version)
    previous = office.requires_second_approval
    office.requires_second_approval = requires_second_approval
    office.version += 1
    office.save(update_fields=["requires_second_approval", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="organisation.approval_rule_set",
        target=office,
        organisation=office,
        changes={"requires_second_approval": [previous, requires_second_approval]},
    )
    return office


def _require_owner_matcher(actor: User, office: Organisation) -> None:
    """Naming owners is the office's import work: its scrutiny officers and administrators."""
    access = access_for(actor)
    if office.kind != Organisation.Kind.PCC_OFFICE or not (
        access.has_role(Membership.Role.SCRUTINY_OFFICER, office.pk)
        or access.has_role(Membership.Role.ADMINISTRATOR, office.pk)
    ):
        raise PermissionDenied(
            "Only a scrutiny officer or administrator of the office matches owners' names"
        )


@transaction.atomic
def organisation_partner_create(
    *, actor: User, office: Organisation, name: str, kind: str, short_name: str = ""
) -> Organisation:
    """Add a partner to the office's area while matching the owners an import names.

    The office's scrutiny officers may do this as well as its administrators, who then manage
    the partner. A name that differs from an existing organisation's only in case, "&"/"and"
    or punctuation is refused: that organisation is the one to choose.
    """
    _require_owner_matcher(actor, office)
    if kind == Organisation.Kind.PCC_OFFICE:
        raise ValidationError({"kind": _("Only a system administrator adds an office")})
    name, short_name = name.strip(), short_name.strip()
    key = organisation_name_key(name)
    for existing in Organisation.objects.values_list("name", flat=True):
        if organisation_name_key(existing) == key:
            raise ValidationError(
                {"name": _("An organisation called %(name)s already exists") % {"name": existing}}
            )
    organisation = Organisation(name=name, short_name=short_name, kind=kind, office=office)
    return _created(actor, organisation, recorded_for=office, note="Named as an owner in an import")


@transaction.atomic
def organisation_alias_add(
    *, actor: User, office: Organisation, organisation: Organisation, name: str
) -> OrganisationAlias | None:
    """Remember that the office's files call `organisation` by `name`; None if already known.

    Later imports into the office match the name, in any case or punctuation, to the
    organisation without asking. A name may stand for several organisations.
    """
    _require_owner_matcher(actor, office)
    name = name.strip()
    key = organisation_name_key(name)
    if not key:
        raise ValidationError({"name": _("Enter the name the file uses")})
    if OrganisationAlias.objects.filter(office=office, key=key, organisation=organisation).exists():
        return None
    alias = OrganisationAlias(
        office=office, organisation=organisation, name=name, key=key, created_by=actor
    )
    alias.full_clean()
    alias.save()
    audit_record(
        actor=actor,
        action="organisation.alias_added",
        target=organisation,
        organisation=office,
        changes={"alias": [None, name]},
    )
    return alias
