from django.core.management.base import BaseCommand, CommandError

from answerable.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Check the audit chain's hashes and report the first broken link."

    def handle(self, *args: object, **options: object) -> None:
        report = audit_chain_verify()
        if not report.is_intact:
            raise CommandError(
                f"Audit chain broken at event {report.broken_at}: {report.reason} "
                f"({report.checked} events verified before it)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} events."))
