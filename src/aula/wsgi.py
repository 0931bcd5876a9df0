import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aula.settings")

from aula.core.fastlane import WSGIFastLane  # noqa: E402 - needs the settings module set

# Kept public pages are replayed before Django builds a request (aula.core.fastlane).
application = WSGIFastLane(get_wsgi_application())
