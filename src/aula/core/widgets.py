"""Widgets that render long option lists without a template per option.

Django renders every ``<option>`` of a select through its own template; for the 250 countries
of the registration form that was most of the page's time (measured in bench/README.md). The
markup here is the same as Django's ``select.html`` — escaped labels and values, ``selected``
on the chosen ones — built with string joins.
"""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


def _option(value, label, chosen: set[str]) -> str:
    value = "" if value is None else str(value)
    selected = " selected" if value in chosen else ""
    return f'<option value="{escape(value)}"{selected}>{escape(str(label))}</option>'


class FastSelect(forms.Select):
    """A ``<select>`` with flat or grouped choices, rendered in Python."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final["multiple"] = True
        chosen = set(self.format_value(value))
        # flatatt escapes the attribute values.
        parts = [f'<select name="{escape(name)}"{flatatt(final)}>']
        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):
                parts.append(f'<optgroup label="{escape(str(option_value))}">')
                parts.extend(_option(v, label, chosen) for v, label in option_label)
                parts.append("</optgroup>")
            else:
                parts.append(_option(option_value, option_label, chosen))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value and label escaped above
