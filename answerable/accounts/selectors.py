"""Reads about accounts themselves."""

from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q
from django_otp import device_classes

from answerable.accounts.models import User


def user_has_confirmed_device(user: User) -> bool:
    """Whether the user has a confirmed two-factor device of any kind, in one query.

    django_otp.user_has_device asks each device table in turn: two queries on every page
    for everyone without a device (issue #5).
    """
    has_device = reduce(
        or_,
        (
            Q(Exists(model.objects.filter(user_id=OuterRef("pk"), confirmed=True)))
            for model in device_classes()
        ),
    )
    return User.objects.filter(has_device, pk=user.pk).exists()
