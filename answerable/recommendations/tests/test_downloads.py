"""Downloads of stored files are attachments, named safely, and never sniffed (issue #11)."""

import hashlib

from django.urls import reverse

from answerable.core.files import CheckedFile
from answerable.core.testing import pdf_bytes, sign_in
from answerable.recommendations import services
from answerable.recommendations.models import Evidence

PDF = pdf_bytes()


def test_evidence_downloads_as_a_safely_named_attachment_never_sniffed(
    client, force_action, force_lead
):
    """A title may hold quotes, semicolons and line breaks; none reaches the header, so no
    title can end the file name early, add a parameter or a header."""
    services.update_post(
        actor=force_lead,
        action=force_action,
        narrative="Plan attached",
        evidence=[
            services.EvidenceInput(
                title='Plan"; filename="evil.html\r\nX-Injected: yes',
                marking=Evidence.Marking.OFFICIAL,
                file=CheckedFile(
                    name="plan.pdf",
                    kind="pdf",
                    size=len(PDF),
                    sha256=hashlib.sha256(PDF).hexdigest(),
                    content=PDF,
                ),
            )
        ],
    )
    evidence = Evidence.objects.get()
    sign_in(client, force_lead)
    response = client.get(reverse("recommendations:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition == 'attachment; filename="Plan-- filename--evil.html--X-Injected- yes.pdf"'
    assert "X-Injected" not in response.headers
    assert b"".join(response.streaming_content) == PDF
