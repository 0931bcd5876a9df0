"""Helpers shared by the forms of every app."""

from django import forms
from django.core.exceptions import ValidationError


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Errors raised by a service, shown beside the field they name, else at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)
