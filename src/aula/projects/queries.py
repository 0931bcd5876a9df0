"""Reads about a project."""

from aula.core.translation import CONTENT_LANGUAGES
from aula.projects.models import Project

# The language a partner's public reads, by the partner's country (ISO 3166-1 alpha-2), for
# the countries whose language Aula speaks.
COUNTRY_LANGUAGES = {
    "RO": "ro", "MD": "ro", "LT": "lt", "NL": "nl", "BE": "nl", "IT": "it", "SM": "it",
    "HR": "hr", "GB": "en", "IE": "en", "MT": "en",
}


def audience_languages(project: Project) -> list[str]:
    """The languages a project's public pages should be in: English (the programme's working
    language), the project's primary language and each partner's, in Aula's order."""
    wanted = {"en", project.primary_language}
    wanted.update(
        COUNTRY_LANGUAGES[str(country)]
        for country in project.partners.values_list("country", flat=True)
        if str(country) in COUNTRY_LANGUAGES
    )
    return [language for language in CONTENT_LANGUAGES if language in wanted]
