"""Organiser-written text in several languages: lookup with fallback, the form field and the
model field's validation."""

import pytest
from django.core.exceptions import ValidationError

from aula.core.fields import TranslatedTextField, TranslatedTextFormField, TranslatedTextWidget
from aula.core.translation import CONTENT_LANGUAGES, LocalizedText, localize

# --- localize ----------------------------------------------------------------------------


def test_content_languages_follow_settings():
    assert CONTENT_LANGUAGES == ("en", "ro", "lt", "nl", "it", "hr")


def test_localize_prefers_the_asked_language():
    text = localize({"en": "Agenda", "ro": "Agendă"}, "ro", "en")
    assert text == LocalizedText("Agendă", "ro", False)
    assert str(text) == "Agendă"


def test_localize_falls_back_to_the_primary_language_and_says_so():
    text = localize({"en": "Agenda", "lt": "Darbotvarkė"}, "ro", "lt")
    assert (text.text, text.lang, text.is_fallback) == ("Darbotvarkė", "lt", True)


def test_localize_then_any_language_present_in_settings_order():
    text = localize({"hr": "Dnevni red", "it": "Programma"}, "ro", "en")
    assert (text.text, text.lang, text.is_fallback) == ("Programma", "it", True)


def test_localize_skips_empty_translations():
    text = localize({"ro": "", "en": "Agenda"}, "ro", "en")
    assert (text.text, text.lang, text.is_fallback) == ("Agenda", "en", True)


def test_localize_strips_the_region_of_the_language():
    assert localize({"en": "Agenda", "ro": "Agendă"}, "ro-RO", "en").lang == "ro"


def test_localize_without_language_uses_the_fallback_without_flagging_it():
    assert localize({"en": "Agenda"}, "", "en") == LocalizedText("Agenda", "en", False)


@pytest.mark.parametrize("value", [{}, None])
def test_localize_empty_value_is_empty_and_false(value):
    text = localize(value, "lt", "en")
    assert text == LocalizedText("", "lt", False)
    assert not text
    assert str(text) == ""


# --- the form field ----------------------------------------------------------------------


def test_form_field_compresses_to_the_languages_given():
    field = TranslatedTextFormField()
    assert field.clean(["Agenda", "", "  Darbotvarkė  ", "", "", ""]) == {
        "en": "Agenda",
        "lt": "Darbotvarkė",
    }


def test_form_field_all_empty_is_an_empty_dict():
    field = TranslatedTextFormField()
    assert field.clean(["", "", "", "", "", ""]) == {}
    assert field.clean(None) == {}
    assert field.compress([]) == {}


def test_required_form_field_needs_one_language():
    field = TranslatedTextFormField(required=True)
    with pytest.raises(ValidationError) as error:
        field.clean(["", " ", "", "", "", ""])
    assert error.value.code == "required"
    assert field.clean(["", "", "", "", "", "Dnevni red"]) == {"hr": "Dnevni red"}


def test_widget_decompresses_per_language_including_missing_ones():
    widget = TranslatedTextWidget()
    assert widget.decompress({"ro": "Agendă", "hr": "Dnevni red"}) == [
        "", "Agendă", "", "", "", "Dnevni red",
    ]
    assert widget.decompress(None) == [""] * 6


def test_widget_reads_one_input_per_language_from_post_data():
    widget = TranslatedTextWidget()
    data = {"title_en": "Agenda", "title_lt": "Darbotvarkė"}
    assert widget.value_from_datadict(data, {}, "title") == [
        "Agenda", None, "Darbotvarkė", None, None, None,
    ]
    assert TranslatedTextFormField().clean(widget.value_from_datadict(data, {}, "title")) == {
        "en": "Agenda",
        "lt": "Darbotvarkė",
    }


def test_widget_renders_a_labelled_input_per_language():
    html = TranslatedTextFormField(max_length=20).widget.render(
        "title", {"ro": "Agendă <b>"}, attrs={"id": "id_title"}
    )
    for index, lang in enumerate(CONTENT_LANGUAGES):
        assert f'name="title_{lang}"' in html
        assert f'lang="{lang}"' in html
        assert f'for="id_title_{index}"' in html
    assert "Romanian" in html and "Croatian" in html
    assert 'value="Agendă &lt;b&gt;"' in html
    assert 'maxlength="20"' in html


def test_multiline_widget_uses_textareas():
    html = TranslatedTextFormField(multiline=True).widget.render("bio", {"en": "Line"})
    assert html.count("<textarea") == len(CONTENT_LANGUAGES)


@pytest.mark.parametrize("text", ["bad\x00text", "bad\x07bell", "bad\x9bcsi", "tab\tinside"])
def test_single_line_form_field_rejects_control_characters(text):
    field = TranslatedTextFormField()
    with pytest.raises(ValidationError) as error:
        field.clean(["", text, "", "", "", ""])
    assert any("Romanian" in message for message in error.value.messages)


def test_single_line_form_field_rejects_line_breaks():
    with pytest.raises(ValidationError):
        TranslatedTextFormField().clean(["one\ntwo", "", "", "", "", ""])


def test_multiline_form_field_allows_line_breaks_but_not_other_controls():
    field = TranslatedTextFormField(multiline=True)
    assert field.clean(["one\r\ntwo\tthree", "", "", "", "", ""]) == {"en": "one\r\ntwo\tthree"}
    with pytest.raises(ValidationError):
        field.clean(["one\x1btwo", "", "", "", "", ""])


def test_form_field_max_length_applies_to_each_language():
    field = TranslatedTextFormField(max_length=5)
    assert field.clean(["12345", "abcde", "", "", "", ""]) == {"en": "12345", "ro": "abcde"}
    with pytest.raises(ValidationError) as error:
        field.clean(["12345", "abcdef", "", "", "", ""])
    (message,) = error.value.messages
    assert message.startswith("Romanian:")
    assert "5 characters (it has 6)" in message


# --- the model field ---------------------------------------------------------------------


def model_field(**kwargs):
    field = TranslatedTextField(**kwargs)
    field.set_attributes_from_name("title")
    return field


def test_model_field_accepts_content_languages():
    model_field(max_length=10).validate({"en": "Agenda", "hr": "Dnevni red"}, None)


def test_model_field_rejects_unknown_language_keys():
    with pytest.raises(ValidationError) as error:
        model_field().validate({"en": "Agenda", "de": "Tagesordnung"}, None)
    assert error.value.code == "language"


@pytest.mark.parametrize("value", [{"en": 5}, {"en": None}, {"en": ["Agenda"]}])
def test_model_field_rejects_non_strings(value):
    with pytest.raises(ValidationError) as error:
        model_field().validate(value, None)
    assert error.value.code == "invalid"


@pytest.mark.parametrize("value", [["Agenda"], "Agenda"])
def test_model_field_rejects_anything_but_a_dict(value):
    with pytest.raises(ValidationError):
        model_field().validate(value, None)


def test_model_field_max_length_per_language():
    field = model_field(max_length=5)
    field.validate({"en": "12345", "ro": "abcde"}, None)
    with pytest.raises(ValidationError) as error:
        field.validate({"en": "123456"}, None)
    assert error.value.code == "max_length"


def test_model_field_rejects_control_characters():
    with pytest.raises(ValidationError):
        model_field().validate({"en": "bad\x00"}, None)
    with pytest.raises(ValidationError):
        model_field().validate({"en": "two\nlines"}, None)
    model_field(multiline=True).validate({"en": "two\nlines"}, None)


def test_blank_model_field_allows_empty_and_required_one_does_not():
    model_field().validate({}, None)
    with pytest.raises(ValidationError):
        model_field(blank=False).validate({}, None)


def test_model_field_formfield_carries_its_settings():
    field = model_field(multiline=True, max_length=50, blank=False, verbose_name="note on the ECoC")
    formfield = field.formfield()
    assert isinstance(formfield, TranslatedTextFormField)
    assert formfield.required and formfield.multiline and formfield.max_length == 50
    assert formfield.label == "Note on the ECoC"  # capitalised, the rest kept
    assert field.formfield(label="Custom", required=False).label == "Custom"
    assert not field.formfield(required=False).required


def test_model_field_deconstructs_without_defaults():
    _name, path, _args, kwargs = model_field(multiline=True, max_length=50).deconstruct()
    assert path == "aula.core.fields.TranslatedTextField"
    assert kwargs == {"multiline": True, "max_length": 50}
