"""A message from the organiser opens with the project's logo set (Interreg visibility), as the
automatic e-mails do; the text part is unchanged."""

import pytest

from aula.campaigns import queries, services
from tests.factories import give_logo_set, make_event, make_project, make_registration

pytestmark = pytest.mark.django_db


def rendered(event):
    registration = make_registration(event)
    campaign = services.compose(event, actor=None, group="all", subject={"en": "News"},
                                body={"en": "Dear {first_name}"})
    return queries.render(campaign, registration)


def test_the_html_part_opens_with_the_logo_set(settings):
    project = give_logo_set(make_project())
    message = rendered(make_event(project))
    src = f'src="{settings.AULA_BASE_URL}{project.logo_set.url}"'
    body = message.html.split("<body", 1)[1]
    assert src in body and body.index(src) < body.index("Dear")
    assert 'alt="Interreg logo set, co-funded by the European Union"' in body
    assert project.logo_set.url not in message.text


def test_without_a_logo_set_there_is_no_picture():
    assert "<img" not in rendered(make_event()).html
