import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_asgi_application()

from answerable.operations.memory import collect_less_after_start  # noqa: E402 - once set up

collect_less_after_start()
