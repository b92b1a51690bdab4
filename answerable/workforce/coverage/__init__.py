"""Coverage selectors: how much of a course's required audience is in date, by cohort.

Every figure is counted by the database, in a fixed number of queries whatever the size of the
workforce. The rules, on a snapshot's date D:

- Required audience: staff whose workforce type (and command, if the audience names one)
  the course requires, who had started on or before D and had not left (a leaving date of D
  or earlier means they have left).
- In date: the person's latest completion of the course is in date on D: its expiry date is
  after D or, with no expiry date, it was completed after D minus the refresh period (that
  is, completed on + refresh months is after D). A course with no refresh period never lapses.
- Length of service is counted in whole years to D: "under 2" is under two years, "2 to 5"
  is two years or more but under five, and so on. Bands compare the start date with cut-off
  dates worked out here, so no database date functions are needed (SQLite and PostgreSQL
  give the same answer).

The cohort figures are counted once per snapshot and course when the snapshot is imported (or
the course changes) and stored as `CohortFigure` rows; the page reads those, and counts live
only for a snapshot imported before they were stored.
"""

from answerable.workforce.coverage.cohorts import (
    ALL,
    DIMENSION_LABELS,
    DIMENSIONS,
    GROUPS,
    NOT_RECORDED,
    SERVICE_BANDS,
    Cohort,
    CoverageSummary,
    Totals,
    cohort_count,
    coverage_gap_list,
    coverage_summary,
    coverage_summary_live,
    coverage_summary_stored,
    gap_rows,
)
from answerable.workforce.coverage.trend import (
    TREND_MONTHS,
    TrendPoint,
    course_snapshots,
    coverage_trend,
    monthly_snapshots,
)

__all__ = [
    "ALL",
    "DIMENSIONS",
    "DIMENSION_LABELS",
    "GROUPS",
    "NOT_RECORDED",
    "SERVICE_BANDS",
    "TREND_MONTHS",
    "Cohort",
    "CoverageSummary",
    "Totals",
    "TrendPoint",
    "cohort_count",
    "course_snapshots",
    "coverage_gap_list",
    "coverage_summary",
    "coverage_summary_live",
    "coverage_summary_stored",
    "coverage_trend",
    "gap_rows",
    "monthly_snapshots",
]
