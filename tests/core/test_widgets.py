"""FastSelect renders what Django's Select renders, escaped, with the chosen options marked."""

from django import forms

from aula.core.widgets import FastSelect


def normalised(html: str) -> tuple:
    """The select's attributes (in any order) and its options, exactly."""
    html = "".join(line.strip() for line in str(html).splitlines())
    opening, rest = html.split(">", 1)
    return sorted(opening.removeprefix("<select").split()), rest


def test_same_markup_as_djangos_select():
    choices = [("", "Choose"), ("RO", "Romania"), ("LT", "Lithuania")]
    attrs = {"id": "id_country", "autocomplete": "country", "required": True}
    ours = FastSelect(choices=choices).render("country", "LT", attrs)
    django = forms.Select(choices=choices).render("country", "LT", attrs)
    assert normalised(ours) == normalised(django)


def test_labels_values_and_attributes_are_escaped():
    html = FastSelect(choices=[('"><b>', "<script>x</script> & co")]).render(
        "q", None, {"data-x": '"><i>'}
    )
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;x&lt;/script&gt; &amp; co" in html
    assert 'value="&quot;&gt;&lt;b&gt;"' in html


def test_nothing_selected_without_a_value_and_groups_render():
    html = FastSelect(choices=[("Europe", [("RO", "Romania")]), ("X", "Other")]).render("c", "")
    assert "selected" not in html
    assert '<optgroup label="Europe"><option value="RO">Romania</option></optgroup>' in html


def test_multiple_selection():
    class Multi(FastSelect):
        allow_multiple_selected = True

    html = Multi(choices=[("a", "A"), ("b", "B"), ("c", "C")]).render("m", ["a", "c"])
    assert "multiple" in html
    assert '<option value="a" selected>' in html and '<option value="c" selected>' in html
    assert '<option value="b">' in html
