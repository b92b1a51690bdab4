import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()
# Fail at start, not at the first request: reading an empty SECRET_KEY raises
# ImproperlyConfigured ("The SECRET_KEY setting must not be empty").
settings.SECRET_KEY  # noqa: B018 - read to fail early, as said above

from answerable.operations.memory import collect_less_after_start  # noqa: E402 - once set up

collect_less_after_start()
