"""The personal-link key in URLs: the URL-safe alphabet of ``secrets.token_urlsafe``."""

from django.urls import register_converter


class TokenConverter:
    regex = "[A-Za-z0-9_-]{16,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


# Registered once, on import, for both URL modules of the app.
register_converter(TokenConverter, "registration_token")
