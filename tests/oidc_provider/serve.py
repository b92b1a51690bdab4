"""Run the test provider on a free loopback port: `python -m tests.oidc_provider.serve`.

Prints the port on the first line of standard output once it answers, then serves until
killed. OIDC_PROVIDER_DB names the SQLite file to create it in.
"""

import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import get_application_model

    from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET

    call_command("migrate", verbosity=0, interactive=False)
    application = get_application_model()
    application.objects.create(
        name="Answerable",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type=application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=application.GRANT_AUTHORIZATION_CODE,
        algorithm=application.RS256_ALGORITHM,
        skip_authorization=True,
        redirect_uris="",
    )
    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), server_class=_Server, handler_class=_QuietHandler
    )
    sys.stdout.write(f"{server.server_port}\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
