"""What each action's owner reports, and what the scrutiny officer decides, in the demo."""

import datetime
from dataclasses import dataclass

from answerable.demo.register import Row
from answerable.recommendations.deadlines import deadline_from_text
from answerable.recommendations.models import Assessment, DeliveryStatus, Recommendation

Status = DeliveryStatus
Verdict = Assessment.Verdict


@dataclass(frozen=True)
class Step:
    status: str
    narrative: str
    link: str = ""
    link_title: str = ""


@dataclass(frozen=True)
class Story:
    steps: tuple[Step, ...]
    verdict: tuple[str, str] | None = None
    unable_reason: str = ""


PCC_S55_URL = (
    "https://www.westmercia-pcc.gov.uk/performance/performance-information-hmicfrs/response-to-"
    "hmicfrs-inspection-of-the-effectiveness-of-the-police-and-law-enforcement-bodies-response-"
    "to-group-based-child-sexual-exploitation-in-england-and-wales/"
)
COUNCIL_UPDATE_URL = (
    "https://shropshirestar.com/news/local-hubs/telford/2023/07/06/council-issues-update-on-how-"
    "its-tackling-child-sexual-exploitation"
)
JOINT_REPORT_URL = (
    "https://www.shropshirestar.com/news/crime/2023/07/07/significant-progress-made-after-"
    "telford-child-sex-abuse-inquiry-police-claim/"
)

# Stories drawn from the data (dated entries) or written for the demo. Keyed by
# (source key, reference, owner key); every other action gets a generic story.
STORIES = {
    ("gbcse", "R2", "police"): Story(
        (
            Step(
                Status.ON_TRACK,
                "2 February 2024: the PCC's comments to the Home Secretary (s55 "
                "Police Act 1996) say the force already produces CSE problem profiles through "
                "serious and organised crime tasking, and will review them for the group-based "
                "focus.",
                PCC_S55_URL,
                "PCC's s55 response, 2 February 2024",
            ),
            Step(
                Status.OFF_TRACK,
                "24 October 2025: HMICFRS's progress report lists this "
                "recommendation as incomplete nationally. The review of the force's problem "
                "profiles, with partner data, has not finished and the deadline has passed.",
            ),
        )
    ),
    ("peel", "R1", "police"): Story(
        (
            Step(Status.ON_TRACK, "Review of investigators' workload and capacity commissioned."),
            Step(
                Status.COMPLETED,
                "Review complete and reported to the chief officer team; "
                "workload allocation changed as a result. HMICFRS lists this recommendation as "
                "completed.",
            ),
        ),
        verdict=(
            Verdict.ASSURED,
            "The review's findings and the changed allocation model were "
            "presented at the accountability meeting; the evidence supports closure.",
        ),
    ),
    ("peel", "R2", "police"): Story(
        (
            Step(
                Status.ON_TRACK,
                "Review of the approach to vulnerability started with partners "
                "on the safeguarding boards.",
            ),
            Step(
                Status.COMPLETED,
                "Review complete; partners signed off the revised approach. "
                "HMICFRS lists this recommendation as completed.",
            ),
        ),
        verdict=(
            Verdict.ASSURED,
            "Partners confirmed the revised approach at the safeguarding board; evidence seen.",
        ),
    ),
    ("peel", "R3", "police"): Story(
        (
            Step(Status.ON_TRACK, "Skills project extended beyond operational skills."),
            Step(
                Status.COMPLETED,
                "HMICFRS records this recommendation as superseded by later "
                "workforce recommendations; progress is tracked there, so this action is closed.",
            ),
        )
    ),
    ("peel", "R7", "police"): Story(
        (
            Step(
                Status.ON_TRACK,
                "Supervisors' review of investigations now recorded on the crime system.",
            ),
            Step(
                Status.COMPLETED,
                "Regular supervision in place and recorded. HMICFRS lists this "
                "recommendation as completed.",
            ),
        ),
        verdict=(
            Verdict.PARTLY_ASSURED,
            "Supervision is now recorded, but the 2023 victim "
            "service assessment revisit still found gaps in investigation plans and "
            "supervisory oversight (VSA-CoC-rec).",
        ),
    ),
    ("coc", "T10", "police"): Story(
        (
            Step(Status.ON_TRACK, "Digital forensics backlog plan agreed; extra kiosks ordered."),
            Step(
                Status.COMPLETED,
                "Backlog cleared and turnaround times within target. HMICFRS "
                "lists this recommendation as completed.",
            ),
        ),
        verdict=(
            Verdict.ASSURED,
            "Turnaround figures for the last two quarters seen and within target.",
        ),
    ),
    ("casey", "R1", "police"): Story(
        (
            Step(
                Status.NOT_STARTED,
                "The Government accepted this recommendation on 16 June 2025. "
                "The force will update its investigation guidance when the law changes.",
            ),
        )
    ),
    ("telford", "Item 1", "council"): Story(
        (
            Step(
                Status.ON_TRACK,
                "Licensing officers met neighbouring licensing authorities to "
                "draft the information-sharing agreement and joint enforcement protocol.",
            ),
            Step(
                Status.COMPLETED,
                "Agreement and protocol in place; closure evidence sent to the "
                "independent chair's review (July 2024).",
            ),
        ),
        verdict=(
            Verdict.ASSURED,
            "Signed agreement and protocol seen; enforcement data shared "
            "with two neighbouring authorities.",
        ),
    ),
    ("telford", "Item 3", "council"): Story(
        (
            Step(Status.ON_TRACK, "Complaints process for licensing and taxi drivers reviewed."),
            Step(
                Status.COMPLETED,
                "The Licensing Committee's annual report for 2022/23 published "
                "54 taxi complaints (14 about drivers licensed by Telford & Wrekin).",
                "https://democracy.telford.gov.uk/ieIssueDetails.aspx?IId=11840&Opt=3",
                "Licensing Committee report",
            ),
        )
    ),
    ("telford", "Item 4", "council"): Story(
        (
            Step(
                Status.ON_TRACK,
                "Joint CSE Review Group formed with West Mercia Police and "
                "partners; data from each agency agreed.",
            ),
            Step(
                Status.ON_TRACK,
                "6 July 2023: the council has completed 42 of the 82 actions it "
                "alone is responsible for; a further 13 are on track to be assessed by the "
                "independent chair.",
                COUNCIL_UPDATE_URL,
                "Council progress report, July 2023",
            ),
            Step(
                Status.READY_FOR_ASSESSMENT,
                "The first joint annual report was published in July "
                "2023. Asking the OPCC to assess.",
                JOINT_REPORT_URL,
                "First joint annual report",
            ),
        )
    ),
    ("telford", "Item 4", "police"): Story(
        (
            Step(
                Status.ON_TRACK,
                "The force reports CSE-linked incidents and crimes daily to the "
                "Joint CSE Review Group.",
            ),
            Step(
                Status.READY_FOR_ASSESSMENT,
                "7 July 2023: first joint annual report published; "
                "the force reports protected CSE team resourcing and updated information-sharing "
                "guidance. Asking the OPCC to assess.",
                JOINT_REPORT_URL,
                "First joint annual report",
            ),
        )
    ),
    ("telford", "Item 7", "police"): Story(
        (
            Step(
                Status.ON_TRACK,
                "31 March 2023: the Chief Constable's report to the PCC: CSE "
                "training reviewed and victim-focused; it still needs embedding across the whole "
                "workforce, especially longer-serving officers.",
                "https://westmercia-pcc.gov.uk/pcc-reassured-that-changes-are-being-made-to-"
                "support-victims-of-child-sexual-exploitation",
                "PCC news release, March 2023",
            ),
            Step(
                Status.ON_TRACK,
                "13 March 2024: all 13 recommendations for the force covered at "
                "the PCC's assurance and accountability meeting; feedback from people with lived "
                "experience informed the questions.",
            ),
        )
    ),
    ("telford", "Item 8", "council"): Story(
        (
            Step(Status.ON_TRACK, "Voluntary trial of CCTV in 20 licensed vehicles under way."),
            Step(
                Status.UNABLE_TO_IMPLEMENT,
                "21 November 2023: the Licensing Committee resolved to "
                "lobby for mandatory CCTV in licensed vehicles in law. The independent chair's "
                "final review (16 July 2024) found 5 of the 47 recommendations need national or "
                "legislative change.",
                "https://democracy.telford.gov.uk/ieListDocuments.aspx?CId=1167&MeetingId=2488",
                "Licensing Committee, 21 November 2023",
            ),
        ),
        unable_reason="Mandatory CCTV in licensed vehicles needs a change in national law; the "
        "council is lobbying for it and continues a voluntary trial.",
    ),
    ("telford", "Item 11", "icb"): Story(
        (
            Step(
                Status.ON_TRACK,
                "CSE training commissioned for NHS providers across Shropshire, "
                "Telford and Wrekin.",
            ),
            Step(
                Status.READY_FOR_ASSESSMENT,
                "Training delivered to every provider's safeguarding "
                "team; attendance figures and the course outline sent to the OPCC. Asking the "
                "OPCC to assess.",
            ),
        )
    ),
}

# Illustrative progress for actions the data says little about, by the status they reach.
GENERIC_STEPS: dict[str, tuple[tuple[Status, str], ...]] = {
    Status.NOT_STARTED: (
        (
            Status.NOT_STARTED,
            "Lead officer named; scoping the work with partners before agreeing milestones.",
        ),
    ),
    Status.ON_TRACK: (
        (
            Status.ON_TRACK,
            "Delivery plan with milestones agreed and reported to the partnership board.",
        ),
        (Status.ON_TRACK, "First milestones met; on course for the target date."),
    ),
    Status.OFF_TRACK: (
        (Status.ON_TRACK, "Delivery plan with milestones agreed."),
        (
            Status.OFF_TRACK,
            "Behind plan: the work depends on partner data and a system change "
            "that has slipped. Recovery plan to the next accountability "
            "meeting.",
        ),
    ),
    Status.COMPLETED: (
        (Status.ON_TRACK, "Delivery plan agreed; work under way."),
        (Status.COMPLETED, "Work complete; closure report sent to the OPCC."),
    ),
}
# Statuses for actions whose row reports nothing, in turn, so the register looks lived in.
DEFAULT_CYCLE = (
    Status.ON_TRACK,
    Status.NOT_STARTED,
    Status.ON_TRACK,
    Status.COMPLETED,
    Status.OFF_TRACK,
)


def reported_status(row: Row, today: datetime.date) -> str | None:
    """Read the status the data reports, in the register's delivery vocabulary."""
    reported = row.status_reported.lower()
    if reported.startswith(("completed", "superseded", "counted within")):
        return Status.COMPLETED
    if reported.startswith("partially outstanding"):
        return Status.ON_TRACK
    if reported.startswith("outstanding"):
        return Status.OFF_TRACK
    if reported.startswith("incomplete"):
        deadline = deadline_from_text(row.text)
        return Status.OFF_TRACK if deadline and deadline < today else Status.ON_TRACK
    if reported.startswith("in progress"):
        return Status.ON_TRACK
    return None


def story_for(row: Row, owner: str, index: int, today: datetime.date) -> Story:
    """The scripted story for this action, or a generic one ending at the reported status."""
    story = STORIES.get((row.source.key, row.reference, owner))
    if story is not None:
        return story
    final = reported_status(row, today) or DEFAULT_CYCLE[index % len(DEFAULT_CYCLE)]
    steps = [Step(status, narrative) for status, narrative in GENERIC_STEPS[final]]
    if row.status_reported and reported_status(row, today):
        as_of = f" (as at {row.status_as_of})" if row.status_as_of else ""
        last = steps[-1]
        steps[-1] = Step(
            last.status,
            f"{last.narrative} Status reported by the inspectorate or "
            f"the OPCC{as_of}: {row.status_reported}.",
        )
    return Story(tuple(steps))


def target_for(
    recommendation: Recommendation, story: Story, index: int, today: datetime.date
) -> datetime.date:
    """The recommendation's deadline if it has one; otherwise a month end in 2025–2027.

    Open actions get a date at least a month ahead, so the only overdue actions are the ones
    whose published deadline has passed.
    """
    if recommendation.deadline_on:
        return recommendation.deadline_on
    month_ends = [
        datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
        for year in (2025, 2026, 2027)
        for month in range(1, 13)
    ]
    if story.steps[-1].status not in (Status.COMPLETED, Status.UNABLE_TO_IMPLEMENT):
        month_ends = [d for d in month_ends if d >= today + datetime.timedelta(days=30)]
    return month_ends[(index * 7) % len(month_ends)]


# Recommendations the scrutiny officer has assessed as a whole, once their actions were.
RECOMMENDATION_VERDICTS = {
    ("peel", "R1"): (Verdict.ASSURED, "The only action is assured and nothing remains open."),
    ("peel", "R7"): (
        Verdict.PARTLY_ASSURED,
        "Supervision is recorded, but the 2023 revisit shows the underlying concern persists.",
    ),
}
