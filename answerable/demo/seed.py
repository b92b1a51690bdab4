"""Write the demo through the services, adding only what is missing."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from answerable.accounts.models import User
from answerable.accounts.services import user_create
from answerable.demo.accounts import (
    ACCOUNTS,
    BACKUP_CODES,
    DEMO_PASSWORD,
    LEAD_EMAILS,
    ORGANISATIONS,
    SCRUTINY_EMAIL,
    STATIC_DEVICE_NAME,
    TOTP_DEVICE_NAME,
    AccountSpec,
)
from answerable.demo.indicator_meetings import link_demo_indicators
from answerable.demo.indicators import seed_indicators
from answerable.demo.meetings import seed_meetings
from answerable.demo.register import (
    SOURCES,
    Row,
    finding_type,
    local_owners,
    read_rows,
    response_history,
    themes_for,
)
from answerable.demo.reports import seed_reports
from answerable.demo.stories import (
    RECOMMENDATION_VERDICTS,
    Status,
    Story,
    story_for,
    target_for,
)
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.services import membership_grant, organisation_create
from answerable.recommendations import services
from answerable.recommendations.models import (
    Action,
    Evidence,
    PublicNarrative,
    Recommendation,
    Source,
)


@dataclass
class SeedResult:
    created: int = 0

    @property
    def was_there(self) -> bool:
        return self.created == 0


def _user(result: SeedResult, spec: AccountSpec) -> User:
    user = User.objects.filter(email=spec.email).first()
    if user is None:
        user = user_create(
            email=spec.email,
            full_name=spec.full_name,
            password=DEMO_PASSWORD,
            actor=None,
            job_title=spec.job_title,
        )
        result.created += 1
    return user


def _partnership(result: SeedResult) -> tuple[dict[str, Organisation], dict[str, User]]:
    """The organisations and the demo users with their roles, granted by the administrator."""
    office_spec, admin_spec = ORGANISATIONS[0], ACCOUNTS[0]
    # Only an administrator can create organisations and grant roles, so the office and its
    # first administrator are bootstrapped directly, as `createsuperuser` would.
    office, created = Organisation.objects.get_or_create(
        name=office_spec.name,
        defaults={"kind": office_spec.kind, "short_name": office_spec.short_name},
    )
    result.created += created
    admin = _user(result, admin_spec)
    _, created = Membership.objects.get_or_create(
        user=admin, organisation=office, role=admin_spec.role
    )
    result.created += created

    organisations = {office_spec.key: office}
    for spec in ORGANISATIONS[1:]:
        organisation = Organisation.objects.filter(name=spec.name).first()
        if organisation is None:
            organisation = organisation_create(
                actor=admin,
                name=spec.name,
                kind=spec.kind,
                short_name=spec.short_name,
                office=office,
            )
            result.created += 1
        organisations[spec.key] = organisation

    users = {admin.email: admin}
    for account in ACCOUNTS[1:]:
        user = _user(result, account)
        organisation = organisations[account.organisation]
        if not Membership.objects.filter(
            user=user, organisation=organisation, role=account.role
        ).exists():
            membership_grant(actor=admin, user=user, organisation=organisation, role=account.role)
            result.created += 1
        users[account.email] = user
    for account in ACCOUNTS:
        if account.totp_key:
            _two_factor_devices(users[account.email], account.totp_key)
    return organisations, users


def _two_factor_devices(user: User, key: bytes) -> None:
    """A confirmed authenticator with the printed secret, and the printed backup codes.

    The backup codes are put back on every run, since each one is used up when it is used.
    """
    totp, _ = TOTPDevice.objects.get_or_create(
        user=user, name=TOTP_DEVICE_NAME, defaults={"key": key.hex(), "confirmed": True}
    )
    totp.throttle_reset(commit=False)
    totp.key, totp.confirmed = key.hex(), True
    totp.save()
    static, _ = StaticDevice.objects.get_or_create(
        user=user, name=STATIC_DEVICE_NAME, defaults={"confirmed": True}
    )
    static.throttle_reset(commit=False)
    static.confirmed = True
    static.save()
    static.token_set.all().delete()
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in BACKUP_CODES)


def _sources(
    result: SeedResult, office: Organisation, actor: User
) -> dict[str, tuple[Source, bool]]:
    sources = {}
    for spec in SOURCES.values():
        source = Source.objects.filter(owner=office, title=spec.title).first()
        created = source is None
        if source is None:
            source = services.source_create(
                actor=actor,
                owner=office,
                title=spec.title,
                kind=spec.kind,
                publisher=spec.publisher,
                published_on=spec.published_on,
                url=spec.url,
                deadline_rule=spec.deadline_rule,
            )
            result.created += 1
        sources[spec.key] = (source, created)
    return sources


def _action_story(*, action: Action, story: Story, lead: User, scrutiny: User) -> None:
    for step in story.steps:
        evidence = []
        if step.link:
            evidence.append(
                services.EvidenceInput(
                    title=step.link_title,
                    marking=Evidence.Marking.OFFICIAL,
                    is_published=True,
                    link=step.link,
                )
            )
        services.update_post(
            actor=lead,
            action=action,
            narrative=step.narrative,
            status=step.status,
            unable_reason=story.unable_reason if step.status == Status.UNABLE_TO_IMPLEMENT else "",
            evidence=evidence,
        )
    if story.verdict:
        action.refresh_from_db()
        verdict, rationale = story.verdict
        services.assessment_record(
            actor=scrutiny, action=action, verdict=verdict, rationale=rationale
        )


def _description(row: Row, owner: Organisation, owners: list[str]) -> str:
    if len(owners) == 1:
        return row.text
    return f"{owner.display_name}'s part: {row.text}"


def _recommendations(
    *,
    result: SeedResult,
    rows: list[Row],
    sources: dict[str, tuple[Source, bool]],
    organisations: dict[str, Organisation],
    users: dict[str, User],
    today: datetime.date,
) -> None:
    scrutiny = users[SCRUTINY_EMAIL]
    responses = response_history(rows)
    first_response: dict[str, datetime.date] = {}
    action_index = 0
    for row in rows:
        source, source_created = sources[row.source.key]
        recommendation = Recommendation.objects.filter(
            source=source, reference=row.reference
        ).first()
        if recommendation is None:
            recommendation = services.recommendation_create(
                actor=scrutiny,
                source=source,
                reference=row.reference,
                text=row.text,
                finding_type=finding_type(row),
                addressees=row.owner_text,
                themes=themes_for(row.text),
                position=row.position,
            )
            result.created += 1
            for entry in responses.get((row.source.key, row.reference), []):
                recommendation = services.recommendation_response_record(
                    actor=scrutiny,
                    recommendation=recommendation,
                    response=entry.response,
                    response_text=entry.text,
                    responded_on=entry.responded_on,
                    expected_version=recommendation.version,
                )
                if source_created and entry.responded_on < first_response.get(
                    row.source.key, datetime.date.max
                ):
                    first_response[row.source.key] = entry.responded_on
        owners = local_owners(row.owner_text)
        for owner_key in owners:
            action_index += 1
            owner = organisations[owner_key]
            if Action.objects.filter(recommendation=recommendation, owner=owner).exists():
                continue
            story = story_for(row, owner_key, action_index, today)
            lead = users[LEAD_EMAILS[owner_key]]
            action = services.action_create(
                actor=scrutiny,
                recommendation=recommendation,
                owner=owner,
                description=_description(row, owner, owners),
                target_on=target_for(recommendation, story, action_index, today),
                lead=lead,
            )
            result.created += 1
            _action_story(action=action, story=story, lead=lead, scrutiny=scrutiny)
        verdict = RECOMMENDATION_VERDICTS.get((row.source.key, row.reference))
        if verdict and not recommendation.assessments.exists():
            services.assessment_record(
                actor=scrutiny,
                recommendation=recommendation,
                verdict=verdict[0],
                rationale=verdict[1],
            )
    for key, responded_on in first_response.items():
        source, _ = sources[key]
        if source.deadline_rule != Source.DeadlineRule.NONE:
            services.source_response_record(
                actor=scrutiny,
                source=source,
                responded_on=responded_on,
                expected_version=source.version,
            )


@transaction.atomic
def seed_demo(*, today: datetime.date | None = None) -> SeedResult:
    """Load the demo partnership, accounts and register; add only what is missing."""
    today = today or timezone.localdate()
    result = SeedResult()
    organisations, users = _partnership(result)
    sources = _sources(result, organisations["office"], users[SCRUTINY_EMAIL])
    _recommendations(
        result=result,
        rows=read_rows(),
        sources=sources,
        organisations=organisations,
        users=users,
        today=today,
    )
    # Indicators come before the meetings, so the summaries published carry their figures.
    result.created += seed_indicators(
        organisations=organisations,
        scrutiny_officer=users[SCRUTINY_EMAIL],
        recorders={key: users[LEAD_EMAILS[key]] for key in ("police", "council")},
        today=today,
    )

    def link_indicators() -> None:
        result.created += link_demo_indicators(
            office=organisations["office"],
            scrutiny_officer=users[SCRUTINY_EMAIL],
            telford=sources["telford"][0],
        )

    result.created += seed_meetings(
        office=organisations["office"],
        scrutiny_officer=users[SCRUTINY_EMAIL],
        force=organisations["police"],
        force_lead=users[LEAD_EMAILS["police"]],
        today=today,
        before_publishing=link_indicators,
    )
    _publish(result, sources, users[SCRUTINY_EMAIL])
    result.created += seed_reports(
        scrutiny_officer=users[SCRUTINY_EMAIL], telford=sources["telford"][0], today=today
    )
    return result


# On the public site from the first run: the Telford inquiry and one HMICFRS inspection.
PUBLISHED_SOURCES = ("telford", "gbcse")


def _publish(result: SeedResult, sources: dict[str, tuple[Source, bool]], actor: User) -> None:
    for key in PUBLISHED_SOURCES:
        source, _created = sources[key]
        source.refresh_from_db()
        if source.public_since is None:
            services.source_publish(actor=actor, source=source)
            result.created += 1
        result.created += _approve_public_narratives(source, actor)


def _approve_public_narratives(source: Source, scrutiny: User) -> int:
    """Each action's latest update, proposed by its author for the public site and approved,
    so the public site shows progress in words from the first run."""
    added = 0
    for action in Action.objects.filter(source=source).order_by("pk"):
        update = action.updates.order_by("-created_at", "-pk").first()
        if update is None or PublicNarrative.objects.filter(update__action=action).exists():
            continue
        narrative = services.public_narrative_propose(
            actor=update.author, update=update, text=update.narrative
        )
        services.public_narrative_approve(actor=scrutiny, narrative=narrative)
        added += 1
    return added
