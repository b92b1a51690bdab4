from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. What they may see and do comes from their memberships."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can use the support admin site.")
    # Manages offices across every area. Set only by `manage.py system_administrator`.
    is_system_administrator = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email


class SignInThrottle(models.Model):
    """Failed sign-ins for one email address since its last success (ASVS 5, issue #11).

    Keyed by a hash of the address, so an address that has no account leaves no readable
    trace, and throttled the same way, so the delay tells nobody whether an account exists.
    """

    email_key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()
    notified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.failures} failures since {self.last_failure_at:%Y-%m-%d %H:%M}"


class UserSession(models.Model):
    """A session someone is signed in with, so they can see where and end it (issue #18).

    Written at sign-in, touched at most once a minute by the idle clock and removed at
    sign-out. `session_key` is the session store's own key (the store holds it as it is, too):
    ending a session deletes it from the store, which signs that browser out at once.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    # Enough to recognise a device ("Firefox", "Windows") without keeping the whole header.
    browser = models.CharField(max_length=40, blank=True)
    system = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user}: {self.browser or '?'} on {self.system or '?'}"
