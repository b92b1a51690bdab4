"""Changes to an office's themes (issue #17): add, rename and merge, each audited; and the
matching of a theme's name as people write it (in a form, a file or an agenda) to the
office's list."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from answerable.accounts.models import User
from answerable.audit.services import audit_record
from answerable.core.models import locked_for_edit
from answerable.organisations.models import Organisation
from answerable.recommendations.models import Recommendation, Theme
from answerable.recommendations.selectors.scope import can_manage_themes
from answerable.recommendations.selectors.themes import theme_key, theme_lookup

CONFLICT = gettext_lazy(
    "Someone else renamed this theme while you were editing it. Check its name and try again."
)
NAME_MAX = Theme._meta.get_field("name").max_length or 100


def _require(actor: User, office_id: int | None) -> None:
    if not can_manage_themes(user=actor, office_id=office_id):
        raise PermissionDenied(_("Only a scrutiny officer of the office can change its themes"))


def _clean_name(name: str, field: str = "name") -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({field: _("Enter the name of the theme")})
    if len(name) > NAME_MAX:
        raise ValidationError(
            {field: _("The name must be %(max)d characters or fewer") % {"max": NAME_MAX}}
        )
    return name


def _require_unused(office: Organisation, name: str, exclude: Theme | None = None) -> None:
    taken = theme_lookup(office=office).get(theme_key(name))
    if taken is not None and taken != exclude and not taken.is_archived:
        raise ValidationError(
            {"name": _("There is already a theme called %(name)s") % {"name": taken.name}}
        )


def _created(actor: User | None, office: Organisation, name: str) -> Theme:
    theme = Theme(office=office, name=name)
    theme.full_clean()
    theme.save()
    audit_record(
        actor=actor,
        action="theme.created",
        target=theme,
        organisation=office,
        changes={"name": [None, name]},
    )
    return theme


def theme_get_or_create(
    *, actor: User | None, office: Organisation, names: Iterable[str]
) -> list[Theme]:
    """The office's themes for these names, matched by `theme_key`, adding (audited) any
    the office does not have yet: a theme written in a recommendation is the office's.

    The caller has already checked that the actor may change the office's register.
    """
    found = theme_lookup(office=office)
    themes: dict[int, Theme] = {}
    for name in names:
        name = " ".join(name.split())
        if not name:
            continue
        key = theme_key(name)
        if key not in found:
            found[key] = _created(actor, office, name[:NAME_MAX])
        themes[found[key].pk] = found[key]
    return list(themes.values())


@transaction.atomic
def theme_create(*, actor: User, office: Organisation, name: str) -> Theme:
    """Add a theme to the office's list."""
    _require(actor, office.pk)
    name = _clean_name(name)
    _require_unused(office, name)
    return _created(actor, office, name)


@transaction.atomic
def theme_rename(*, actor: User, theme: Theme, name: str, expected_version: int) -> Theme:
    """Rename a theme: every recommendation on it shows the new name."""
    _require(actor, theme.office_id)
    theme = locked_for_edit(
        Theme.objects.select_related("office"),
        pk=theme.pk,
        expected_version=expected_version,
        message=str(CONFLICT),
    )
    if theme.is_archived:
        raise ValidationError(_("A theme merged into another cannot be renamed"))
    name = _clean_name(name)
    assert theme.office is not None  # noqa: S101 (themes of the register have an office)
    _require_unused(theme.office, name, exclude=theme)
    if name == theme.name:
        raise ValidationError({"name": _("Enter a new name for the theme")})
    previous = theme.name
    theme.name = name
    theme.version += 1
    theme.full_clean()
    theme.save(update_fields=["name", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="theme.renamed",
        target=theme,
        organisation=theme.office,
        changes={"name": [previous, name]},
    )
    return theme


@transaction.atomic
def theme_merge(*, actor: User, theme: Theme, into: Theme) -> Theme:
    """Merge a theme into another of the office's: its recommendations move to `into`, and
    it is archived, pointing to `into`, so its name still leads there. Returns `into`."""
    _require(actor, theme.office_id)
    locked = {t.pk: t for t in Theme.objects.select_for_update().filter(pk__in=[theme.pk, into.pk])}
    theme, into = locked[theme.pk], locked.get(into.pk, into)
    if into.pk == theme.pk:
        raise ValidationError({"into": _("Select a different theme to merge it into")})
    if into.office_id != theme.office_id or into.is_archived:
        raise ValidationError({"into": _("Select one of your office's themes")})
    if theme.is_archived:
        raise ValidationError(_("This theme has already been merged into another"))
    Tagged = Recommendation.themes.through
    moved = sorted(Tagged.objects.filter(theme=theme).values_list("recommendation_id", flat=True))
    already = set(Tagged.objects.filter(theme=into).values_list("recommendation_id", flat=True))
    Tagged.objects.bulk_create(
        [Tagged(recommendation_id=pk, theme_id=into.pk) for pk in moved if pk not in already]
    )
    Tagged.objects.filter(theme=theme).delete()
    # Themes merged into this one earlier now lead to where this one goes.
    Theme.objects.filter(merged_into=theme).update(merged_into=into)
    theme.is_archived = True
    theme.merged_into = into
    theme.version += 1
    theme.save(update_fields=["is_archived", "merged_into", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="theme.merged",
        target=theme,
        organisation=theme.office,
        changes={
            "merged_into": [None, into.name],
            "merged_into_id": [None, into.pk],
            "recommendation_ids": [None, moved],
        },
    )
    return into
