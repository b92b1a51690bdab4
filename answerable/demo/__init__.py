"""Demo data for `manage.py seed_demo`: the West Mercia partnership and real recommendations.

An app of its own, on top of the others, so `core` depends on none (`seed.seed_demo`; the
accounts it prints are in `accounts`).

Recommendation texts, owners, reported statuses and dated responses come from
`data/recommendations.csv` and `data/recommendation_responses.json` (public sources:
OGL text or summaries of cited pages). Progress narratives not drawn from those files are
illustrative. The register is written through the services, so the audit chain is real.
Only the office and its first administrator are created directly (someone has to grant the
first administrator role); everything else goes through the services.

Safe to run twice: each object is looked up by its natural key first, and a recommendation's
response or an action's story is only written when that object is created.
"""
