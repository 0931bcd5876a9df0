"""Admin for seminars, their agendas and the people on them.

Organisers enter and read every time in the event's own zone, never in UTC: the add and change
views of events, blocks and items activate that zone while the form is read, checked and shown,
and every time field says which zone it is in.

The admin goes through the same rules as the console: an event's status changes only by the
life cycle's moves (admin actions calling ``aula.events.lifecycle`` as the signed-in person),
its capacity and registration window only on the console's registration settings (read-only
here); every save and delete writes its audit entry (``AuditedAdmin`` with the recorders of
``aula.events.services`` and ``aula.events.agenda``); a block registrants chose keeps its time
and kind and cannot be deleted, its capacity is checked by registrations
(``session_capacity_changing``), and the agenda must still fit the event.
"""

import zoneinfo
from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from aula.core.errors import ActionRefused
from aula.core.timefmt import format_offset
from aula.events import agenda, lifecycle
from aula.events import services as event_services
from aula.events.forms import UnshownFieldErrors
from aula.events.models import (
    AgendaBlock,
    AgendaItem,
    Event,
    ItemRole,
    Person,
    available_time_zones,
    check_agenda,
    time_zone_choices,
)
from aula.events.services import SCHEDULE_FIELDS, record_event_change
from aula.projects.admin import URL_OVERRIDES, VIA, AuditedAdmin, Recorder, translated_search
from aula.projects.models import Partner

DEFAULT_ZONE = Event._meta.get_field("time_zone").get_default()

EVENT_RECORDERS = {
    Event: Recorder(
        event_services.snapshot,
        lambda actor, obj, before: event_services.record_saved(actor, obj, before, via=VIA),
        lambda actor, obj: event_services.record_deleted(actor, obj, via=VIA),
    ),
    **{
        model: Recorder(
            agenda.snapshot,
            lambda actor, obj, before: agenda.record_saved(actor, obj, before, via=VIA),
            lambda actor, obj: agenda.record_deleted(actor, obj, via=VIA),
        )
        for model in (AgendaBlock, AgendaItem, ItemRole, Person)
    },
}


def valid_zone(name) -> str | None:
    return name if isinstance(name, str) and name in available_time_zones() else None


def zone_of(queryset, pk) -> str | None:
    """The time zone in ``queryset.values_list(...)`` for ``pk``; None for a bad or unknown pk."""
    try:
        return valid_zone(queryset.filter(pk=pk).first())
    except (ValueError, TypeError, ValidationError):
        return None


def local_span(start: datetime, end: datetime, tz) -> str:
    """'2021-06-10 10:00–12:30 Europe/Vilnius' (the end's date too when it differs)."""
    start, end = timezone.localtime(start, tz), timezone.localtime(end, tz)
    end_format = "%H:%M" if start.date() == end.date() else "%Y-%m-%d %H:%M"
    return f"{start:%Y-%m-%d %H:%M}–{end.strftime(end_format)} {tz.key}"


def zone_note(event_start: datetime | None = None) -> str:
    """The help line for the active zone: 'Times on this page are in Europe/Vilnius time
    (UTC+03:00 at the event's start).' The offset is the one on the event's day, not today's."""
    zone = timezone.get_current_timezone_name()
    if event_start is None:
        return _("Times on this page are in %(zone)s time.") % {"zone": zone}
    return _("Times on this page are in %(zone)s time (%(offset)s at the event's start).") % {
        "zone": zone,
        "offset": format_offset(timezone.localtime(event_start)),
    }


class EventZoneMixin:
    """For a ModelAdmin whose objects belong to an event: the add/change view works in the
    event's time zone. Subclasses say which zone that is in ``event_zone()``."""

    def event_zone(self, request, object_id) -> str | None:
        """The IANA zone of the event the page is about; None means the default zone."""
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        zone = self.event_zone(request, object_id) or DEFAULT_ZONE
        with timezone.override(zoneinfo.ZoneInfo(zone)):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            # The admin answers with a TemplateResponse that is rendered only after the view
            # returns: render it while the zone is active, or the form would show UTC.
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            return response


class ZoneHelpMixin:
    """Every date-and-time field says which zone it is read in (the one active while the form
    class is built, inside ``changeform_view``)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(db_field, models.DateTimeField):
            zone = timezone.get_current_timezone_name()
            note = _("In %(zone)s time.") % {"zone": zone}
            help_text = db_field.help_text
            formfield.help_text = (
                format_html("{} {}", help_text, note) if help_text else format_html("{}", note)
            )
        return formfield


class TimeZoneInput(forms.TextInput):
    """A text input that suggests IANA zone names as one types (an HTML datalist)."""

    list_id = "aula-time-zones"

    def __init__(self, attrs=None):
        super().__init__({"list": self.list_id, "autocomplete": "off", "size": 30, **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        options = format_html_join(
            "", '<option value="{}"></option>', ((zone,) for zone, _name in time_zone_choices())
        )
        return html + format_html('<datalist id="{}">{}</datalist>', self.list_id, options)


def localized_title(obj, field="title") -> str:
    """The title in the admin's interface language, else the object's primary language."""
    return obj.text(field, get_language() or "en").text


# --- People -------------------------------------------------------------------------------


class ProjectPeopleSelect(AutocompleteSelect):
    """The person search of an agenda item: its URL names the item's project, so the search
    offers only that project's people (``PersonAdmin.get_search_results``)."""

    def __init__(self, field, admin_site, project_id, **kwargs):
        super().__init__(field, admin_site, **kwargs)
        self.project_id = project_id

    def get_url(self):
        return f"{super().get_url()}?{urlencode({'project': self.project_id or ''})}"


def autocomplete_project(request) -> int | None:
    """The project a person search asks within; None when it names none (or nonsense)."""
    try:
        return int(request.GET.get("project", ""))
    except ValueError:
        return None


@admin.register(Person)
class PersonAdmin(AuditedAdmin, admin.ModelAdmin):
    recorders = EVENT_RECORDERS
    list_display = ["name", "organisation", "job_title_display", "project", "has_photo"]
    list_filter = ["project"]
    list_select_related = ["project"]
    search_fields = ["name", "organisation", *translated_search("job_title")]
    fields = ["project", "name", "organisation", "job_title", "bio", "photo"]

    def get_search_results(self, request, queryset, search_term):
        # The admin's autocomplete (people on an agenda item) searches one project's people
        # only: people belong to a project, and one project's draft speakers are no one
        # else's to see. A search that names no project finds nobody.
        match = request.resolver_match
        if match is not None and match.url_name == "autocomplete":
            queryset = queryset.filter(project_id=autocomplete_project(request))
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("job title"))
    def job_title_display(self, person):
        return localized_title(person, "job_title")

    @admin.display(description=_("photo"), boolean=True)
    def has_photo(self, person):
        return bool(person.photo)


# --- Events and their agenda blocks -------------------------------------------------------


class AgendaFormSet(BaseInlineFormSet):
    """The event's blocks, checked as one agenda: each block within the event, and overlaps
    only between parallel sessions of one slot (events.models.check_agenda)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return  # a block's own errors first; its times may be missing
        event = self.instance
        if event.starts_at is None or event.ends_at is None or not valid_zone(event.time_zone):
            return  # the event form reports its own errors
        blocks, problems = [], []
        for form in self.forms:
            old = agenda.stored(form.instance)
            if self.can_delete and self._should_delete_form(form):
                refusal = agenda.chosen_block_refusal(old) if old is not None else None
                if refusal:
                    problems.append(refusal)
                continue
            if form.instance.pk is None and not form.has_changed():
                continue  # an empty extra form
            blocks.append(form.instance)
            problem = agenda.chosen_block_problem(form.instance, old)
            if problem:
                problems.append(problem)
        problems.extend(check_agenda(event, blocks))
        if problems:
            raise ValidationError(problems, code="agenda")
        # Inside the admin's transaction, before saving: registrations refuses a session's
        # capacity below the people who chose it.
        for block in blocks:
            capacity_changing(block)


def capacity_changing(block: AgendaBlock) -> None:
    """``agenda.capacity_changing`` for a block of an admin form; its refusal on the form."""
    try:
        agenda.capacity_changing(block, agenda.stored(block))
    except ValidationError as error:
        raise ValidationError(error.messages, code="capacity") from error


class AgendaBlockInline(ZoneHelpMixin, admin.StackedInline):
    model = AgendaBlock
    formset = AgendaFormSet
    extra = 0
    show_change_link = True  # the block's own page edits its items
    fields = [("kind", "order"), ("starts_at", "ends_at"), "title", "description", "capacity"]


class EventForm(UnshownFieldErrors, forms.ModelForm):
    class Meta:
        model = Event
        fields = ["time_zone", "host_partner", "contact_organisation"]  # the admin adds the rest
        widgets = {"time_zone": TimeZoneInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Partners of the event's project only, once it has one; for a new event every
        # partner, labelled with its project (clean() rejects a partner of another project).
        for name in ("host_partner", "contact_organisation"):
            field = self.fields.get(name)
            if field is None:
                continue
            if self.instance.project_id:
                field.queryset = Partner.objects.filter(project_id=self.instance.project_id)
            else:
                field.queryset = Partner.objects.select_related("project")
                field.label_from_instance = lambda partner: f"{partner} — {partner.project.name}"


def _move_action(move, name, description, done):
    """An admin action running the life cycle's ``move`` on each chosen event as the signed-in
    person; each refusal is said in words, nothing else changes."""

    def action(modeladmin, request, queryset):
        for event in queryset:
            try:
                move(event, actor=request.user)
            except ActionRefused as refusal:
                modeladmin.message_user(request, f"{event}: {refusal.message}", messages.ERROR)
            else:
                modeladmin.message_user(request, done() % {"event": event}, messages.SUCCESS)

    action.__name__ = name
    return admin.action(description=description, permissions=["change"])(action)


publish_events = _move_action(lifecycle.publish, "publish", _("Publish"),
                              lambda: gettext_now("%(event)s is published."))
mark_events_held = _move_action(lifecycle.mark_held, "mark_held", _("Mark as held"),
                                lambda: gettext_now("%(event)s is marked as held."))
close_events = _move_action(lifecycle.close, "close", _("Close"),
                            lambda: gettext_now("%(event)s is closed."))
reopen_events = _move_action(lifecycle.reopen, "reopen", _("Reopen"),
                             lambda: gettext_now("%(event)s is reopened."))


@admin.register(Event)
class EventAdmin(AuditedAdmin, EventZoneMixin, ZoneHelpMixin, admin.ModelAdmin):
    form = EventForm
    recorders = EVENT_RECORDERS
    # Back to draft and cancelling (with its reason, told to the registrants) are in the
    # console, which knows the registrants.
    actions = [publish_events, mark_events_held, close_events, reopen_events]
    inlines = [AgendaBlockInline]
    formfield_overrides = URL_OVERRIDES
    list_display = ["title_display", "project", "local_time", "status", "format"]
    list_display_links = ["title_display"]
    list_filter = ["status", "format", "project", "primary_language", "starts_at"]
    list_select_related = ["project"]
    search_fields = ["slug", "project__name", "project__code", *translated_search("title")]
    date_hierarchy = "starts_at"
    readonly_fields = [
        "uid", "sequence", "created_at", "updated_at", "status", "cancelled_at",
        "cancellation_reason", "capacity", "registration_opens_at", "registration_closes_at",
    ]
    save_on_top = True

    @admin.display(description=_("title"), ordering="slug")
    def title_display(self, event):
        return localized_title(event) or event.slug

    @admin.display(description=_("time (event's zone)"), ordering="starts_at")
    def local_time(self, event):
        if not valid_zone(event.time_zone):
            return local_span(event.starts_at, event.ends_at, zoneinfo.ZoneInfo("UTC"))
        return local_span(event.starts_at, event.ends_at, event.tz)

    def event_zone(self, request, object_id):
        if request.method == "POST":
            zone = valid_zone(request.POST.get("time_zone"))
            if zone:
                return zone
        if object_id:
            event = self.get_object(request, unquote(object_id))
            if event is not None and valid_zone(event.time_zone):
                return event.time_zone
        return valid_zone(request.GET.get("time_zone")) or DEFAULT_ZONE

    def get_fieldsets(self, request, obj=None):
        return [
            (None, {"fields": [
                "project", ("slug", "status"), "primary_language", "title", "summary",
                "description",
            ]}),
            (_("Time and place"), {
                "description": format_html(
                    "{} {}",
                    zone_note(obj.starts_at if obj else None),
                    _("They are read in the time zone below when you save, so change the zone "
                      "and the clock times stay as they are."),
                ),
                "fields": ["time_zone", ("starts_at", "ends_at"), "format", "location",
                           "meeting_url", "host_partner"],
            }),
            (_("Registration"), {
                "description": _("Changed on the registration settings of the event in the "
                                 "console."),
                "fields": [("registration_opens_at", "registration_closes_at"), "capacity"],
            }),
            *([(_("Cancellation"), {"fields": ["cancelled_at", "cancellation_reason"]})]
              if obj is not None and obj.is_cancelled else []),
            (_("Contact"), {
                "fields": ["contact_name", "contact_role", "contact_organisation",
                           ("contact_phone", "contact_email")],
            }),
            (_("Calendar"), {
                "classes": ["collapse"],
                "fields": ["uid", "sequence", ("created_at", "updated_at")],
            }),
        ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        old_zone = valid_zone(form.initial.get("time_zone"))
        if change and "time_zone" in form.changed_data and old_zone:
            # The event and its blocks were on the form, read in the new zone; items are edited
            # elsewhere and keep their clock times too.
            agenda.shift_agenda(form.instance, zoneinfo.ZoneInfo(old_zone), blocks=False)
        if change:
            # Once per save and after the agenda: the e-mails it causes show the new sessions.
            # The admin's transaction is still open, so they commit with the change or not at all.
            previous = {name: form.initial.get(name) for name in SCHEDULE_FIELDS}
            record_event_change(
                form.instance, form.changed_data,
                previous if all(previous.values()) else None,
            )


# --- Agenda blocks and their items ---------------------------------------------------------


class AgendaItemInline(ZoneHelpMixin, admin.StackedInline):
    model = AgendaItem
    extra = 0
    show_change_link = True  # the item's own page names its speakers
    fields = [("starts_at", "order"), "title", "presenters", "description"]


class AgendaBlockForm(forms.ModelForm):
    """One block edited on its own page, checked against the rest of its event's agenda."""

    class Meta:
        model = AgendaBlock
        fields = ["event", "kind", "starts_at", "ends_at", "title"]  # the admin adds the rest

    def clean(self):
        cleaned = super().clean()
        event = cleaned.get("event") or getattr(self.instance, "event", None)
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if event is None or start is None or end is None or end <= start:
            return cleaned
        block = AgendaBlock(
            pk=self.instance.pk, event=event, kind=cleaned.get("kind") or AgendaBlock.Kind.PLENARY,
            starts_at=start, ends_at=end, title=cleaned.get("title") or {},
        )
        others = list(
            AgendaBlock.objects.filter(event=event).exclude(pk=self.instance.pk)
            .select_related("event")
        )
        # Only the problems this block brings: older ones are not this form's to fix.
        known = set(map(str, check_agenda(event, others)))
        problems = [p for p in check_agenda(event, [*others, block]) if str(p) not in known]
        problem = agenda.chosen_block_problem(block, agenda.stored(self.instance))
        if problem:
            problems.insert(0, problem)
        if problems:
            raise ValidationError(problems, code="agenda")
        block.capacity = cleaned.get("capacity")
        capacity_changing(block)
        return cleaned


@admin.register(AgendaBlock)
class AgendaBlockAdmin(AuditedAdmin, EventZoneMixin, ZoneHelpMixin, admin.ModelAdmin):
    form = AgendaBlockForm
    recorders = EVENT_RECORDERS
    inlines = [AgendaItemInline]
    list_display = ["title_display", "event", "kind", "local_time", "capacity"]
    list_display_links = ["title_display"]
    list_filter = ["kind", "event__project", ("event", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["event"]
    search_fields = ["event__slug", *translated_search("title")]
    autocomplete_fields = ["event"]
    ordering = ["event__starts_at", "starts_at", "order"]

    @admin.display(description=_("title"))
    def title_display(self, block):
        return localized_title(block) or block.get_kind_display()

    @admin.display(description=_("time (event's zone)"), ordering="starts_at")
    def local_time(self, block):
        zone = valid_zone(block.event.time_zone) or "UTC"
        return local_span(block.starts_at, block.ends_at, zoneinfo.ZoneInfo(zone))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("event")

    def get_readonly_fields(self, request, obj=None):
        return ["event"] if obj is not None else []  # a block stays with its event

    def delete_view(self, request, object_id, extra_context=None):
        block = self.get_object(request, unquote(object_id))
        refusal = agenda.chosen_block_refusal(block) if block is not None else None
        if refusal:
            self.message_user(request, refusal, messages.ERROR)
            return redirect(reverse("admin:events_agendablock_change", args=[block.pk]))
        return super().delete_view(request, object_id, extra_context)

    def get_fieldsets(self, request, obj=None):
        return [(None, {
            "description": zone_note(obj.event.starts_at if obj else None),
            "fields": ["event", ("kind", "order"), ("starts_at", "ends_at"), "title",
                       "description", "capacity"],
        })]

    def event_zone(self, request, object_id):
        events = Event.objects.values_list("time_zone", flat=True)
        if object_id:
            block = self.get_object(request, unquote(object_id))
            if block is not None:
                return valid_zone(block.event.time_zone)
        event_id = request.POST.get("event") if request.method == "POST" else None
        return zone_of(events, event_id or request.GET.get("event"))


class ItemRoleInline(admin.TabularInline):
    """The people on an item, chosen by a search: only people of its event's project are
    offered and accepted (people belong to a project, ``ItemRole.clean``)."""

    model = ItemRole
    extra = 1
    fields = ["person", "role", "order"]

    def get_formset(self, request, obj=None, **kwargs):
        # Read by formfield_for_foreignkey while super() builds the form's fields.
        request.aula_people_project = self.project_id_of(request, obj)
        return super().get_formset(request, obj, **kwargs)

    @staticmethod
    def project_id_of(request, item) -> int | None:
        if item is not None:
            return item.block.event.project_id
        # A new item: the project of the block it is added to.
        block_id = request.POST.get("block") or request.GET.get("block")
        try:
            return AgendaBlock.objects.filter(pk=block_id).values_list(
                "event__project_id", flat=True).first() if block_id else None
        except (ValueError, TypeError, ValidationError):
            return None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "person":
            project_id = getattr(request, "aula_people_project", None)
            kwargs["queryset"] = Person.objects.filter(project_id=project_id).order_by(
                "name", "pk")
            kwargs["widget"] = ProjectPeopleSelect(db_field, self.admin_site, project_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(AgendaItem)
class AgendaItemAdmin(AuditedAdmin, EventZoneMixin, ZoneHelpMixin, admin.ModelAdmin):
    recorders = EVENT_RECORDERS
    inlines = [ItemRoleInline]
    list_display = ["title_display", "block", "event", "local_start", "people_display"]
    list_display_links = ["title_display"]
    list_filter = ["block__event__project", ("block__event", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["people__name", "block__event__slug", *translated_search("title")]
    autocomplete_fields = ["block"]
    ordering = ["block__starts_at", "order", "id"]

    @admin.display(description=_("title"))
    def title_display(self, item):
        return localized_title(item)

    @admin.display(description=_("event"))
    def event(self, item):
        return item.block.event

    @admin.display(description=_("starts at (event's zone)"), ordering="starts_at")
    def local_start(self, item):
        if item.starts_at is None:
            return None
        tz = zoneinfo.ZoneInfo(valid_zone(item.block.event.time_zone) or "UTC")
        return f"{timezone.localtime(item.starts_at, tz):%H:%M} {tz.key}"

    @admin.display(description=_("people"))
    def people_display(self, item):
        return ", ".join(role.person.name for role in item.roles.all())

    def get_queryset(self, request):
        return (
            super().get_queryset(request)
            .select_related("block__event")
            .prefetch_related("roles__person")
        )

    def get_fieldsets(self, request, obj=None):
        return [(None, {
            "description": zone_note(obj.block.event.starts_at if obj else None),
            "fields": ["block", ("starts_at", "order"), "title", "presenters", "description"],
        })]

    def event_zone(self, request, object_id):
        blocks = AgendaBlock.objects.values_list("event__time_zone", flat=True)
        block_id = request.POST.get("block") if request.method == "POST" else None
        if block_id:
            zone = zone_of(blocks, block_id)
            if zone:
                return zone
        if object_id:
            item = self.get_object(request, unquote(object_id))
            if item is not None:
                return valid_zone(item.block.event.time_zone)
        return zone_of(blocks, request.GET.get("block"))

