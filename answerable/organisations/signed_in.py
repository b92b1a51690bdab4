"""The signed-in person's account, memberships and second factor, read in one query.

Every signed-in request read the account, then whether it has a confirmed device (for the
two-factor check), then its memberships (the page's scope): three statements, each a round
trip and about 0.1 ms of the database server's processor time besides the query itself
(`bench/server_time.py`, issue #12). Here rather than in `accounts`, which sits beneath
`organisations` (docs/STYLE.md).
"""

from django.db.models import F, QuerySet

from answerable.accounts.models import User
from answerable.accounts.selectors import account_with_device
from answerable.core.prepared import prepared_list
from answerable.organisations.selectors import MEMBERSHIP_COLUMNS, Access

# The membership row Access reads, as annotations on the account.
_COLUMNS = {f"membership_{n}": column for n, column in enumerate(MEMBERSHIP_COLUMNS)}


def _account_with_memberships(pk: int) -> QuerySet[User]:
    """A row per membership (one with none), each with the account and its device column."""
    return account_with_device(pk).annotate(
        **{name: F(f"memberships__{column}") for name, column in _COLUMNS.items()}
    )


def account_with_access(pk: int) -> User | None:
    """The account with this id, its Access (`access_for`) and `has_confirmed_device` read
    with it; None if there is no such account."""
    rows = prepared_list("organisations.account_with_access", User, _account_with_memberships, pk)
    if not rows:
        return None
    user = rows[0]
    # Where access_for finds it for the rest of the request.
    user._answerable_access = Access.read_with_account(  # type: ignore[attr-defined]
        user, (tuple(getattr(row, name) for name in _COLUMNS) for row in rows)
    )
    return user
