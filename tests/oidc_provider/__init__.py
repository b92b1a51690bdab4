"""A real OpenID Connect provider for the sign-in tests: django-oauth-toolkit, on loopback."""

# The provider's only client, which the tests' SignInProvider signs in as.
CLIENT_ID = "answerable-test"
CLIENT_SECRET = "answerable-test-secret"  # noqa: S105 - a test provider on loopback only
