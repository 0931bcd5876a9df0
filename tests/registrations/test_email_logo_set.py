"""The registrant's HTML e-mails open with the project's logo set (Interreg visibility), by
its absolute address; the text part is unchanged."""

import pytest

from aula.messaging.models import OutboxMessage
from aula.registrations import services
from tests.factories import give_logo_set, make_event, make_project
from tests.registrations.conftest import NO_OPT_IN
from tests.registrations.factories import person

pytestmark = pytest.mark.django_db


def confirmation(event):
    services.register(event, person())
    return OutboxMessage.objects.get(kind="registration_confirmation")


def test_the_html_part_opens_with_the_logo_set(settings):
    project = give_logo_set(make_project())
    message = confirmation(make_event(project, options=NO_OPT_IN))
    src = f'src="{settings.AULA_BASE_URL}{project.logo_set.url}"'
    assert src in message.html_body
    body = message.html_body.split("<body", 1)[1]
    assert body.index(src) < body.index("Culture &amp; SMEs")
    assert 'alt="Interreg logo set, co-funded by the European Union"' in message.html_body
    assert project.logo_set.url not in message.text_body


def test_without_a_logo_set_the_e_mail_is_as_before():
    message = confirmation(make_event(options=NO_OPT_IN))
    assert "<img" not in message.html_body
