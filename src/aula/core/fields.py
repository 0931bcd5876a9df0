"""A model field for organiser-written text in every content language, with its form field, and
the field that keeps such a text's Markdown rendered as HTML."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from aula.core import markdown
from aula.core.text import reject_control_characters
from aula.core.translation import CONTENT_LANGUAGES, LocalizedText, localize

LANGUAGE_NAMES = dict(settings.LANGUAGES)


class TranslatedTextWidget(forms.MultiWidget):
    """One input per language, each labelled with its language, shown side by side."""

    template_name = "core/widgets/translated.html"

    # Each input fills its grid cell (the admin's own input widths would leave them narrow).
    input_style = "width:100%;box-sizing:border-box"

    def __init__(self, multiline: bool = False, attrs=None, markdown: bool | None = None):
        # Long texts are Markdown (core.markdown) unless said otherwise: the form says so.
        self.markdown = multiline if markdown is None else markdown
        base = (
            forms.Textarea(attrs={"rows": 4, "style": self.input_style})
            if multiline
            else forms.TextInput(attrs={"style": self.input_style})
        )
        widgets = {lang: base.__class__(attrs=dict(base.attrs)) for lang in CONTENT_LANGUAGES}
        super().__init__(widgets, attrs)

    def decompress(self, value):
        value = value or {}
        return [value.get(lang, "") for lang in CONTENT_LANGUAGES]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for lang, subwidget in zip(CONTENT_LANGUAGES, context["widget"]["subwidgets"], strict=True):
            subwidget["lang"] = lang
            subwidget["language_name"] = LANGUAGE_NAMES[lang]
            subwidget["attrs"]["lang"] = lang
        context["widget"]["markdown"] = self.markdown
        return context


class TranslatedTextFormField(forms.MultiValueField):
    """One text per content language; cleans to a dict of the languages given (empty ones left
    out). Errors name the language they are about."""

    def __init__(self, *, multiline=False, max_length=None, required=False, widget=None, **kwargs):
        # Model-field formfield() arguments that mean nothing here.
        for unused in ("encoder", "decoder", "form_class", "choices_form_class"):
            kwargs.pop(unused, None)
        fields = [
            forms.CharField(
                required=False,
                max_length=max_length,
                strip=True,
                error_messages={
                    "max_length": format_lazy(
                        "{}: {}",
                        LANGUAGE_NAMES[lang],
                        _("keep this to %(limit_value)d characters (it has %(show_value)d)."),
                    ),
                    "null_characters_not_allowed": format_lazy(
                        "{}: {}",
                        LANGUAGE_NAMES[lang],
                        _("Remove the invisible control characters from this text."),
                    ),
                },
            )
            for lang in CONTENT_LANGUAGES
        ]
        self.multiline = multiline
        self.max_length = max_length
        super().__init__(
            fields,
            required=required,
            require_all_fields=False,
            widget=widget or TranslatedTextWidget(multiline=multiline),
            **kwargs,
        )

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if self.max_length is not None and not widget.is_hidden:
            attrs["maxlength"] = str(self.max_length)  # copied onto every language's input
        return attrs

    def compress(self, data_list):
        if not data_list:
            return {}
        return {lang: text for lang, text in zip(CONTENT_LANGUAGES, data_list, strict=True) if text}

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        errors = []
        for lang, text in value.items():
            try:
                reject_control_characters(text, multiline=self.multiline)
            except ValidationError as error:
                errors.append(
                    ValidationError(
                        _("%(language)s: %(problem)s"),
                        params={"language": LANGUAGE_NAMES[lang], "problem": error.messages[0]},
                        code=error.code,
                    )
                )
        if errors:
            raise ValidationError(errors)


class TranslatedTextField(models.JSONField):
    """Text an organiser writes per content language: ``{"en": "...", "ro": "..."}``."""

    description = _("Text in several languages")

    def __init__(self, *args, multiline=False, max_length=None, **kwargs):
        self.multiline = multiline
        self.text_max_length = max_length
        kwargs.setdefault("default", dict)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.multiline:
            kwargs["multiline"] = True
        if self.text_max_length:
            kwargs["max_length"] = self.text_max_length
        if kwargs.get("default") is dict:
            del kwargs["default"]
        if kwargs.get("blank") is True:
            del kwargs["blank"]
        return name, path, args, kwargs

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if not isinstance(value, dict):
            raise ValidationError(_("Expected a text per language."), code="invalid")
        for lang, text in value.items():
            if lang not in CONTENT_LANGUAGES:
                raise ValidationError(
                    _("%(lang)s is not one of the content languages."),
                    params={"lang": lang},
                    code="language",
                )
            if not isinstance(text, str):
                raise ValidationError(_("Expected text."), code="invalid")
            if self.text_max_length and len(text) > self.text_max_length:
                raise ValidationError(
                    _("Keep each translation to %(max)d characters."),
                    params={"max": self.text_max_length},
                    code="max_length",
                )
            reject_control_characters(text, multiline=self.multiline)

    def formfield(self, **kwargs):
        # Like Field.formfield(): the caller's arguments (a ModelForm's labels, help_texts,
        # widgets, the admin's) win over the field's own.
        defaults = {
            "required": not self.blank,
            "label": capfirst(self.verbose_name),
            "help_text": self.help_text,
            **kwargs,
        }
        return TranslatedTextFormField(
            multiline=self.multiline, max_length=self.text_max_length, **defaults
        )


class RenderedMarkdownField(models.JSONField):
    """The HTML a page shows for the Markdown of the ``TranslatedTextField`` named ``source``, per
    language (``core.markdown.render_languages``), rendered whenever the row is saved: the web
    workers serving the public then never load the Markdown libraries. A render whose text has
    changed since (a queryset update, a fixture) is not used: the page renders that text itself
    (``core.markdown.stored``)."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("default", dict)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, value in (("default", dict), ("blank", True), ("editable", False)):
            if kwargs.get(key) is value:
                del kwargs[key]
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        rendered = markdown.render_languages(
            getattr(model_instance, self.source), getattr(model_instance, self.attname)
        )
        setattr(model_instance, self.attname, rendered)
        return rendered


class RendersMarkdown:
    """Mixin for models with a ``RenderedMarkdownField``: a save of some fields
    (``update_fields``) saves the renders of those among them written in Markdown."""

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        if fields is not None:
            fields = set(fields)
            kwargs["update_fields"] = fields | {
                field.name for field in self._meta.concrete_fields
                if isinstance(field, RenderedMarkdownField) and field.source in fields
            }
        super().save(*args, **kwargs)


class Translatable(RendersMarkdown):
    """Mixin for models with translated fields: ``obj.text("title", "ro")``."""

    def content_language(self) -> str:
        return settings.LANGUAGE_CODE

    def text(self, field: str, language: str, fallback: str | None = None) -> LocalizedText:
        return localize(getattr(self, field), language, fallback or self.content_language())


def render_markdown_of(app_label: str, *model_names: str):
    """A migration's ``RunPython`` function: renders the Markdown of every row of these models
    into their ``RenderedMarkdownField``s (added by that migration)."""

    def render(apps, schema_editor):
        for name in model_names:
            model = apps.get_model(app_label, name)
            fields = [field.name for field in model._meta.concrete_fields
                      if isinstance(field, RenderedMarkdownField)]
            for row in model._base_manager.using(schema_editor.connection.alias).iterator():
                row.save(update_fields=fields)

    return render
