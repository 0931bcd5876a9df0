"""Organiser-written text in several languages, stored as ``{"en": "...", "ro": "..."}``.

A missing translation falls back to the content's primary language (an event's, a project's);
the result says which language it is actually in, so pages can mark it with ``lang``.
"""

from dataclasses import dataclass

from django.conf import settings

CONTENT_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


@dataclass(frozen=True, slots=True)
class LocalizedText:
    text: str
    lang: str
    is_fallback: bool

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


def localize(value: dict | None, language: str, fallback: str) -> LocalizedText:
    """The text of ``value`` in ``language``, else in ``fallback``, else in any language present."""
    value = value or {}
    language = (language or fallback).split("-")[0]
    for lang in (language, fallback, *CONTENT_LANGUAGES):
        text = value.get(lang)
        if text:
            return LocalizedText(text, lang, lang != language)
    return LocalizedText("", language, False)
