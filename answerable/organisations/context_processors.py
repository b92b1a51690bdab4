from django.http import HttpRequest

from answerable.organisations.selectors import Access, access_for


def access(request: HttpRequest) -> dict[str, Access | None]:
    """Make the signed-in user's roles available to page templates, to show the right links."""
    user = getattr(request, "user", None)
    return {"access": access_for(user) if user is not None and user.is_authenticated else None}
