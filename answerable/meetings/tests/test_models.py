"""Meeting papers share the register's handling markings rather than keeping their own list."""

from answerable.meetings.models import Marking, Paper
from answerable.recommendations.models import Evidence


def test_papers_and_evidence_offer_the_same_markings_from_one_list():
    """A marking added for evidence is offered for papers too, and the rules refusing to
    publish OFFICIAL-SENSITIVE files read the one list."""
    assert Marking is Evidence.Marking
    paper_choices = Paper._meta.get_field("marking").choices
    assert paper_choices == Evidence._meta.get_field("marking").choices
