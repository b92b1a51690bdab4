from pathlib import Path
from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from answerable.accounts.models import User
from answerable.core.files import TABLE_KINDS, CheckedFile, check_upload
from answerable.imports.models import ImportJob
from answerable.imports.services import import_error_text, import_upload_store
from answerable.recommendations import importing
from answerable.recommendations.importing.jobs import recommendations_import_queue
from answerable.recommendations.tables import Table, read_table
from answerable.recommendations.tasks import recommendations_import_run


def _read(path: Path) -> tuple[CheckedFile, Table]:
    """The file, checked by its content, and its table; raises OSError or ValidationError."""
    with path.open("rb") as handle:
        checked = check_upload(
            File(handle, name=path.name), allowed=TABLE_KINDS, max_bytes=settings.IMPORT_MAX_BYTES
        )
    return checked, read_table(checked.content, kind=checked.kind, name=checked.name)


class Command(BaseCommand):
    help = (
        "Import sources, recommendations and actions from a CSV or XLSX file, all or nothing, "
        "as a scrutiny officer. Columns are matched by name unless --map says otherwise. The "
        "file is checked here, then queued as an import job for the background worker "
        "(manage.py db_worker), as the web pages do."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path to the CSV or XLSX file.")
        parser.add_argument(
            "--as", dest="email", required=True, help="Email of the scrutiny officer importing."
        )
        parser.add_argument(
            "--map",
            dest="mappings",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help=f"Read FIELD from COLUMN; repeat for each field. Fields: "
            f"{', '.join(importing.FIELD_NAMES)}. An empty COLUMN leaves the field out.",
        )
        parser.add_argument(
            "--owners",
            metavar="MAPPING.csv",
            help="A CSV or XLSX file with the columns value,organisation (and, if you want, "
            "type): the organisation each owner name in the file means, one pair a row; "
            "several rows for one name give it several owners. Names are remembered for the "
            "office's next import.",
        )
        parser.add_argument(
            "--create-organisations",
            action="store_true",
            help="Create, in the office's area, each organisation --owners names that does not "
            "exist yet (of its type, or Other), with the import.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and print the counts only."
        )
        parser.add_argument(
            "--now",
            action="store_true",
            help="Run the queued import in this process instead of waiting for the worker.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(email__iexact=options["email"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user with the email {options['email']}")
        office = importing.import_office_for(actor)
        if office is None:
            raise CommandError(f"{actor.email} is not a scrutiny officer, so cannot import")
        path = Path(options["file"])
        try:
            checked, table = _read(path)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        mapping = self._mapping(table.headers, options["mappings"])
        if options["create_organisations"] and not options["owners"]:
            raise CommandError("--create-organisations needs a mapping file given with --owners")
        owners = self._owners(options["owners"], create=options["create_organisations"])
        plan = importing.import_plan(table=table, mapping=mapping, office=office, owners=owners)
        for warning in plan.warnings:
            self.stderr.write(f"Note: {warning}")
        if plan.unknown_owners:
            self._list_unknown_owners(plan.unknown_owners)
        if plan.errors:
            self._fail(plan.errors)
        counts = importing.ImportResult.of(plan)
        if options["dry_run"]:
            self.stdout.write(
                f"Dry run: {checked.name} is valid and would add {counts}. Nothing was written."
            )
            return
        try:
            job = recommendations_import_queue(
                actor=actor,
                office=office,
                path=import_upload_store(content=checked.content, kind=checked.kind),
                name=checked.name,
                kind=checked.kind,
                sha256=checked.sha256,
                mapping=mapping,
                owners=owners,
            )
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(str(error)) from None
        if options["now"] and job.status == ImportJob.Status.QUEUED:
            # The job runs once: a worker that takes its task later finds it done and skips it.
            recommendations_import_run.call(job_id=job.pk)
            job.refresh_from_db()
        if job.status == ImportJob.Status.SUCCEEDED:
            result = importing.ImportResult(**job.counts)
            self.stdout.write(self.style.SUCCESS(f"Imported {checked.name}: {result}."))
        elif job.status == ImportJob.Status.FAILED:
            for job_error in job.errors:
                self.stderr.write(import_error_text(job_error))
            self._fail_count(job.error_count)
        else:
            self.stdout.write(
                f"Queued import {job.pk} of {checked.name}: the background worker "
                f"(manage.py db_worker) runs it. Follow it at {job.get_absolute_url()}"
            )

    def _owners(self, name: str | None, *, create: bool) -> importing.OwnerDecisions | None:
        """The office's answers for owner names, read from the --owners file."""
        if not name:
            return None
        path = Path(name)
        try:
            checked, table = _read(path)
            return importing.owner_decisions_read(table, file_name=path.name, create=create)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(
                f"Nothing was imported: {path.name} has "
                f"{'1 problem' if len(error.messages) == 1 else f'{len(error.messages)} problems'}."
            ) from None

    def _list_unknown_owners(self, unknown: list[importing.UnknownOwner]) -> None:
        """Each owner name no organisation answers to, with the likeliest organisations."""
        self.stderr.write(
            f"{len(unknown)} owner name{'' if len(unknown) == 1 else 's'} in the file "
            f"{'does' if len(unknown) == 1 else 'do'} not match an organisation. Give the "
            "organisations each means in a file with the columns value,organisation "
            "(--owners), adding --create-organisations for any not in Answerable yet:"
        )
        for owner in unknown:
            suggestions = "; ".join(s.organisation.name for s in owner.suggestions)
            self.stderr.write(
                f"  {owner.value} ({owner.rows_text})"
                + (f": perhaps {suggestions}" if suggestions else "")
            )

    def _mapping(self, headers: list[str], overrides: list[str]) -> dict[str, str]:
        guessed = importing.guess_mapping(headers)
        chosen: dict[str, str] = {}
        for item in overrides:
            name, separator, column = item.partition("=")
            if not separator:
                raise CommandError(f"--map {item}: write it as FIELD=COLUMN")
            chosen[name.strip()] = column.strip()
        # A column given to a field with --map is no longer guessed for another field.
        mapping = {
            name: column for name, column in guessed.items() if column not in chosen.values()
        } | chosen
        mapping = {name: column for name, column in mapping.items() if column}
        problems = importing.mapping_errors(mapping, headers)
        if problems:
            raise CommandError(
                "; ".join(problems) + f". The file's columns are: {', '.join(headers)}"
            )
        return mapping

    def _fail(self, errors: list[importing.RowError]) -> NoReturn:
        for error in errors:
            self.stderr.write(str(error))
        self._fail_count(len(errors))

    def _fail_count(self, count: int) -> NoReturn:
        problems = "1 problem" if count == 1 else f"{count} problems"
        raise CommandError(f"Nothing was imported: {problems} found.")
