from django.core.management.base import BaseCommand, CommandError

from answerable.audit.selectors import audit_chain_verify
from answerable.audit.services import audit_chain_seal


class Command(BaseCommand):
    help = (
        "Chain any committed events still waiting for the sequencer, then check the audit "
        "chain's hashes against its head and report the first broken link."
    )

    def handle(self, *args: object, **options: object) -> None:
        waiting = audit_chain_seal()
        if waiting:
            noun = "event was" if waiting == 1 else "events were"
            self.stdout.write(f"{waiting} {noun} waiting to be chained and now are.")
        report = audit_chain_verify()
        if not report.is_intact:
            raise CommandError(
                f"Audit chain broken at event {report.broken_at}: {report.reason} "
                f"({report.checked} events verified before it)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} events."))
