"""The forms of the messages area: a message to registrants, when to send it, the text of an
automatic e-mail and the e-mails after the event."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aula.campaigns import queries as campaigns
from aula.campaigns.models import Campaign
from aula.console.event_forms import DateTimeInput
from aula.core.fields import TranslatedTextFormField
from aula.core.timefmt import format_range
from aula.registrations.models import FollowUp
from aula.registrations.services import email_texts as text_services

LANGUAGE_NAMES = dict(settings.LANGUAGES)
SUBJECT_MAX_LENGTH = Campaign._meta.get_field("subject").text_max_length
BODY_MAX_LENGTH = Campaign._meta.get_field("body").text_max_length


class BlockChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, language: str, **kwargs):
        self.language = language
        super().__init__(*args, **kwargs)

    def label_from_instance(self, block):
        return "{} – {}".format(
            block.text("title", self.language).text,
            format_range(block.starts_at, block.ends_at, block.event.time_zone, self.language),
        )


def placeholder_help() -> str:
    return ", ".join("{%s}" % name for name in campaigns.PLACEHOLDERS)  # noqa: UP031


class CampaignForm(forms.Form):
    group = forms.ChoiceField(label=_("To"), choices=Campaign.Group.choices)
    block = forms.ModelChoiceField(queryset=None, required=False)  # replaced in __init__
    # The registrants chosen in the registrants table (group CHOSEN), as "12,15,31".
    chosen_ids = forms.CharField(required=False, widget=forms.HiddenInput)
    subject = TranslatedTextFormField(
        label=_("Subject"), max_length=SUBJECT_MAX_LENGTH, required=True
    )
    body = TranslatedTextFormField(
        label=_("Message"), multiline=True, max_length=BODY_MAX_LENGTH, required=True,
        help_text=_(
            "A blank line starts a new paragraph. Write it in every language you can; "
            "registrants whose language has no text get the event's primary language."
        ),
    )

    def __init__(self, *args, event, language: str, **kwargs):
        self.event = event
        super().__init__(*args, **kwargs)
        blocks = campaigns.parallel_blocks(event).select_related("event")
        self.fields["block"] = BlockChoiceField(
            queryset=blocks, required=False, language=language, label=_("Session"),
            help_text=_("Only for the recipients “One parallel session”."),
        )
        hidden_groups = set()
        if not blocks.exists():
            self.fields["block"].widget = forms.HiddenInput()
            hidden_groups.add(Campaign.Group.SESSION)
        chosen = self.chosen_count()
        if chosen:
            self.fields["group"].help_text = ngettext(
                "“Chosen registrants”: the %(count)d registrant you chose in the list.",
                "“Chosen registrants”: the %(count)d registrants you chose in the list.", chosen,
            ) % {"count": chosen}
        else:  # only from a selection in the registrants table
            hidden_groups.add(Campaign.Group.CHOSEN)
        self.fields["group"].choices = [
            choice for choice in Campaign.Group.choices if choice[0] not in hidden_groups
        ]

    def chosen_count(self) -> int:
        raw = self.data.get("chosen_ids") if self.is_bound else self.initial.get("chosen_ids")
        return len(_ids(raw or "") or [])

    def clean_chosen_ids(self) -> list[int]:
        ids = _ids(self.cleaned_data.get("chosen_ids") or "")
        if ids is None:
            raise ValidationError(_("The list of chosen registrants is damaged: choose them "
                                    "again in the registrants table."), code="chosen")
        return ids

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("group") == Campaign.Group.SESSION and not cleaned.get("block"):
            self.add_error("block", _("Choose the session whose registrants get the message."))
        if cleaned.get("group") == Campaign.Group.CHOSEN and not cleaned.get("chosen_ids"):
            self.add_error("group", _("Choose the registrants in the registrants table."))
        subject, body = cleaned.get("subject"), cleaned.get("body")
        for name, texts in (("subject", subject), ("body", body)):
            for lang, text in (texts or {}).items():
                unknown = campaigns.unknown_placeholders(text)
                if unknown:
                    self.add_error(name, ValidationError(
                        _("%(language)s: unknown placeholder %(unknown)s. You can use "
                          "%(known)s."),
                        params={
                            "language": LANGUAGE_NAMES[lang],
                            "unknown": ", ".join("{%s}" % u for u in unknown),  # noqa: UP031
                            "known": placeholder_help(),
                        },
                        code="placeholder",
                    ))
        if subject is None or body is None:
            return cleaned
        primary = self.event.primary_language
        if not subject.get(primary) or not body.get(primary):
            self.add_error(None, ValidationError(
                _("Write the subject and the message at least in %(language)s, the event's "
                  "primary language: registrants whose language has no text get it."),
                params={"language": LANGUAGE_NAMES.get(primary, primary)}, code="primary",
            ))
        for lang in sorted(set(subject) ^ set(body)):
            self.add_error(None, ValidationError(
                _("%(language)s: write both the subject and the message, or neither."),
                params={"language": LANGUAGE_NAMES[lang]}, code="pair",
            ))
        return cleaned

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict:
        return {
            "group": campaign.group, "block": campaign.block_id,
            "chosen_ids": join_ids(campaign.chosen_ids),
            "subject": campaign.subject, "body": campaign.body,
        }


def join_ids(ids) -> str:
    return ",".join(str(pk) for pk in ids)


def _ids(raw: str) -> list[int] | None:
    """"12,15,31" as [12, 15, 31]; None when it is not such a list."""
    try:
        return [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        return None


class ScheduleForm(forms.Form):
    """When the scheduler sends a message: read in the event's zone (the view activates it)."""

    send_at = forms.DateTimeField(label=_("Send at"), widget=DateTimeInput())

    def __init__(self, *args, zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["send_at"].help_text = _("In %(zone)s time, the event's zone.") % {
            "zone": zone
        }


class EmailTextForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"), max_length=text_services.SUBJECT_MAX_LENGTH
    )
    body = forms.CharField(
        label=_("Opening"), max_length=text_services.BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}), strip=True,
        help_text=_(
            "Formatting: **bold**, *italic*, a line starting with “- ” for a list, "
            "[text](https://…) for a link; a blank line starts a new paragraph. The time, "
            "sessions, links and calendar file follow it in every e-mail."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if "subject" in cleaned and "body" in cleaned:
            for problem in text_services.text_problems(cleaned["subject"], cleaned["body"]):
                self.add_error(None, problem)
        return cleaned


class FollowUpsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("After the event"), choices=FollowUp.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Sent once to each registrant, only after the event was held: the survey "
            "invitation once the survey is open, the certificate notice to those who got one, "
            "the materials notice once a material is published."
        ),
    )
