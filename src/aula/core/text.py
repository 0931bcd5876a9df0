"""Checks on what people type, shared by every form and model that stores their text."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 and C1 control characters, except tab, line feed and carriage return in multi-line text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINE_BREAKS = re.compile(r"[\r\n\t]")


def reject_control_characters(value: str, multiline: bool = True) -> None:
    if CONTROL_CHARACTERS.search(value) or (not multiline and LINE_BREAKS.search(value)):
        raise ValidationError(
            _("Remove the invisible control characters from this text."), code="control"
        )


def single_line(value: str) -> None:
    reject_control_characters(value, multiline=False)
