"""The request type of views that require sign-in."""

from django.http import HttpRequest

from answerable.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request whose user has signed in: annotate views behind `@login_required` with it.

    Only an annotation for type checkers: views still receive Django's own request.
    """

    user: User
