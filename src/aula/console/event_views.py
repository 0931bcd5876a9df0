"""Console pages for events: create, clone, edit, agenda, registration settings, questions,
privacy notice, and the moves of the event's life cycle (publish, back to draft, mark as held,
close, reopen, cancel).

Every view gets its project or event through ``aula.console.permissions`` (viewers read,
editors change) and leaves the rules to the domain: ``aula.events.services`` (the event),
``aula.events.agenda`` (blocks, items, people), ``aula.events.lifecycle`` (its states), each
called with ``actor=request.user``; ``aula.registrations.setup`` for the registration pages.
Pages with times work in the event's zone: the view activates it while the form is read,
checked and rendered.
"""

import copy
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aula.console import event_forms as forms
from aula.console import queries
from aula.console.confirm import ask_first
from aula.console.models import Role
from aula.console.permissions import allows, event_for, project_for
from aula.core.errors import ActionRefused
from aula.core.forms import apply_errors
from aula.events import agenda as agenda_rules
from aula.events import lifecycle
from aula.events import services as event_rules
from aula.events.models import (
    AgendaBlock,
    AgendaItem,
    Event,
    ItemRole,
    Person,
    available_time_zones,
    time_zone_choices,
)
from aula.registrations import privacy_templates
from aula.registrations import queries as registration_queries
from aula.registrations import setup as registration_setup
from aula.registrations.models import Question, RegistrationOptions

DEFAULT_ZONE = Event._meta.get_field("time_zone").get_default()


def _zone(name) -> zoneinfo.ZoneInfo:
    valid = name if isinstance(name, str) and name in available_time_zones() else DEFAULT_ZONE
    return zoneinfo.ZoneInfo(valid)


def _text(instance, field: str) -> str:
    """A translated field of ``instance`` in the page's language, for messages."""
    return instance.text(field, get_language()).text


def _page(request, template, event, role, zone=None, **context):
    """Render an event page in the event's zone (or ``zone``, the one its form was read in)."""
    with timezone.override(zone or _zone(event.time_zone)):
        return render(request, f"console/events/{template}", {
            "event": event, "project": event.project, "role": role,
            "can_edit": allows(role, Role.EDITOR), "content_language": event.primary_language,
            **context,
        })


def _to_event(event):
    return redirect("console:event", event_id=event.pk)


# --- The project's events ---------------------------------------------------------------------


@login_required
def project_events(request, project):
    project, role = project_for(request.user, project)
    return render(request, "console/events/list.html", {
        "project": project, "role": role, "can_edit": allows(role, Role.EDITOR),
        "events": queries.project_events(project),
    })


@login_required
def event_new(request, project):
    project, role = project_for(request.user, project, Role.EDITOR)
    zone = _zone(request.POST.get("time_zone") if request.method == "POST" else None)
    with timezone.override(zone):
        form = forms.EventCreateForm(request.POST or None, project=project)
        if request.method == "POST" and form.is_valid():
            try:
                event = event_rules.create_event(form.instance, actor=request.user)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The event is created as a draft."))
                return redirect("console:event_edit", event_id=event.pk)
        return render(request, "console/events/new.html", {
            "project": project, "role": role, "form": form, "zones": time_zone_choices(),
        })


# --- One event --------------------------------------------------------------------------------


@login_required
def event_edit(request, event_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    old = copy.copy(event)
    posted_zone = request.POST.get("time_zone") if request.method == "POST" else None
    zone = _zone(posted_zone if posted_zone in available_time_zones() else event.time_zone)
    with timezone.override(zone):
        form = forms.EventEditForm(request.POST or None, instance=event)
        if request.method == "POST" and form.is_valid():
            try:
                event_rules.update_event(
                    form.instance, actor=request.user, old=old,
                    move_agenda=form.cleaned_data["move_agenda"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The event is saved."))
                return redirect("console:event_edit", event_id=event.pk)
        if form.errors:
            event = old  # the page's title and facts as stored, not as typed
        return _page(request, "edit.html", event, role, zone=zone, form=form,
                     zones=time_zone_choices(),
                     registrants=registration_queries.active_registrations(event))


@login_required
def event_clone(request, event_id):
    source, role = event_for(request.user, event_id, Role.EDITOR)
    form = forms.CloneForm(request.POST or None, source=source)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_rules.clone_event(
                source, actor=request.user, starts_on=form.cleaned_data["starts_on"],
                slug=form.cleaned_data["slug"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The copy is saved as a draft. Check it before you "
                                        "publish it."))
            return redirect("console:event_edit", event_id=event.pk)
    return _page(request, "clone.html", source, role, form=form)


def _back(request, event):
    """Back where the move was asked for: the events list or the event's hub."""
    if request.POST.get("next") == "list":
        return redirect("console:project_events", project=event.project.slug)
    return _to_event(event)


def _move(request, event_id, move, done, refused=None):
    """Run the life cycle's ``move`` on the event as the signed-in editor; refusals are shown
    as messages (``refused`` words them, with ``%(why)s``)."""
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    try:
        move(event)
    except ActionRefused as refusal:
        messages.error(request, refused % {"why": refusal.message} if refused else refusal.message)
    else:
        messages.success(request, done)
    return _back(request, event)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_publish(request, event_id):
    """The checklist (what blocks publishing, what is worth fixing first), then the move."""
    if request.method == "POST":
        return _move(request, event_id, lambda event: lifecycle.publish(event, actor=request.user),
                     _("The event is published."), _("The event is not published: %(why)s"))
    event, role = event_for(request.user, event_id, Role.EDITOR)
    return _page(request, "publish.html", event, role,
                 can_publish="publish" in lifecycle.moves(event),
                 problems=lifecycle.publish_problems(event),
                 warnings=lifecycle.publish_warnings(event))


@login_required
@require_POST
def event_unpublish(request, event_id):
    return _move(
        request, event_id,
        lambda event: lifecycle.unpublish(event, actor=request.user,
                                          active_registrations=registration_queries.active_registrations),
        _("The event is a draft again and no longer public."),
    )


@login_required
@require_POST
def event_mark_held(request, event_id):
    return _move(request, event_id, lambda event: lifecycle.mark_held(event, actor=request.user),
                 _("The event is marked as held."))


@login_required
@require_POST
def event_close(request, event_id):
    return _move(request, event_id, lambda event: lifecycle.close(event, actor=request.user),
                 _("The event is closed: attendance, certificates and the survey stay as "
                   "they are."))


@login_required
@require_POST
def event_reopen(request, event_id):
    return _move(request, event_id, lambda event: lifecycle.reopen(event, actor=request.user),
                 _("The event is reopened: attendance, certificates and the survey can change "
                   "again."))


@login_required
def event_cancel(request, event_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    form = forms.CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.cancel(event, actor=request.user, reason=form.cleaned_data["reason"])
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("The event is cancelled and its registrants are told."))
        return _to_event(event)
    return _page(request, "cancel.html", event, role, form=form,
                 can_cancel="cancel" in lifecycle.moves(event),
                 registrants=registration_queries.active_registrations(event))


# --- Agenda -----------------------------------------------------------------------------------


@login_required
def agenda(request, event_id):
    needed = Role.EDITOR if request.method == "POST" else Role.VIEWER
    event, role = event_for(request.user, event_id, needed)
    with timezone.override(event.tz):
        form = forms.BlockForm(request.POST or None, event=event, prefix="block")
        if request.method == "POST" and form.is_valid():
            try:
                agenda_rules.save_block(form.instance, actor=request.user)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The block is added."))
                return redirect("console:event_agenda", event_id=event.pk)
        return _agenda_page(request, event, role, form=form)


def _agenda_page(request, event, role, *, form=None, failed=None):
    """The agenda page; ``failed`` = (what, pk, form): an inline form the rules refused, shown
    in its place, open, with its errors."""
    if failed is not None:
        messages.error(request, _("Nothing is saved: see the form opened below."))
    with timezone.override(event.tz):
        form = form if form is not None else forms.BlockForm(event=event, prefix="block")
        blocks = agenda_rules.organiser_agenda(event)
        if allows(role, Role.EDITOR):
            _inline_forms(event, blocks, removed=request.GET.get("removed", ""), failed=failed)
        return _page(request, "agenda.html", event, role, form=form, blocks=blocks,
                     rows=agenda_rules.slots_of(blocks),
                     several_days=len(agenda_rules.event_days(event)) > 1,
                     editing=request.GET.get("edit", ""),
                     problems=agenda_rules.problems_of(event, blocks))


def _removed(value: str) -> tuple[int, int, str] | None:
    """(item, person, role) of ``?removed=item-person-role``, the person just removed."""
    parts = value.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts[:2]):
        return None
    if parts[2] not in ItemRole.Role.values:
        return None
    return int(parts[0]), int(parts[1]), parts[2]


def _put_back(failed, what: str, pk: int, tag: str):
    """The refused form of ``what`` ``pk``, with the page's ids, if it is that one."""
    if failed is None or failed[:2] != (what, pk):
        return None
    failed[2].auto_id = tag
    return failed[2]


def _inline_forms(event, blocks, removed: str = "", failed=None) -> None:
    """Each block and item of the agenda page gets its edit forms (ids unique on the page,
    names those of the block's and item's own pages, which read them), and the item a person
    was just removed from an Undo (which adds them back). No query per row: the people are
    read once."""
    people = list(Person.objects.filter(project=event.project).order_by("name", "id"))
    by_pk = {person.pk: person for person in people}
    undo = _removed(removed)
    for block in blocks:
        block.edit_form = forms.BlockForm(instance=block, event=event, chosen=block.chosen,
                                          prefix="block", auto_id=f"b{block.pk}-%s")
        block.item_form = forms.QuickItemForm(block=block, prefix="item",
                                              auto_id=f"b{block.pk}-new-%s")
        for what, name in (("block", "edit_form"), ("new_item", "item_form")):
            tag = f"b{block.pk}-%s" if what == "block" else f"b{block.pk}-new-%s"
            refused = _put_back(failed, what, block.pk, tag)
            if refused is not None:
                setattr(block, name, refused)
                block.opened = what
        for item in block.sorted_items:
            item.block = block
            tag = f"i{item.pk}-%s"
            item.edit_form = forms.ItemForm(instance=item, block=block, prefix="item",
                                            auto_id=tag)
            item.role_form = forms.RoleForm(project=event.project, people=people,
                                            prefix="role", auto_id=tag)
            item.person_form = forms.PersonForm(prefix="person", auto_id=tag)
            for what, name in (("item", "edit_form"), ("role", "role_form"),
                               ("person", "person_form")):
                refused = _put_back(failed, what, item.pk, tag)
                if refused is not None:
                    setattr(item, name, refused)
                    item.opened = "item" if what == "item" else "people"
            if undo and undo[0] == item.pk and undo[1] in by_pk:
                item.undo = (by_pk[undo[1]], undo[2])


def _to_agenda(event, anchor=""):
    url = reverse("console:event_agenda", kwargs={"event_id": event.pk})
    return redirect(f"{url}#{anchor}" if anchor else url)


def _block(event, block_id) -> AgendaBlock:
    block = get_object_or_404(AgendaBlock, event=event, pk=block_id)
    block.event = event
    return block


@login_required
def block_edit(request, event_id, block_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    block = _block(event, block_id)
    with timezone.override(event.tz):
        form = forms.BlockForm(request.POST or None, instance=block, event=event, prefix="block")
        if request.method == "POST" and form.is_valid():
            try:
                agenda_rules.save_block(form.instance, actor=request.user)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The block is saved."))
                return _to_agenda(event, f"block-{block.pk}")
        if request.method == "POST":
            return _agenda_page(request, event, role, failed=("block", block.pk, form))
        block = _block(event, block_id)  # as stored, for the page's own texts
        item_form = forms.QuickItemForm(block=block, prefix="item")
        items = list(block.items.all())
        return _page(request, "block.html", event, role, agenda_block=block, form=form,
                     item_form=item_form, items=items)


@login_required
@require_POST
def block_delete(request, event_id, block_id):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    block = _block(event, block_id)
    items = block.items.count()
    asked = ask_first(
        request, what=_("the block “%(title)s”") % {"title": _text(block, "title")
                                                     or block.get_kind_display()},
        consequences=[ngettext("Its %(count)d item goes with it.",
                               "Its %(count)d items go with it.", items) % {"count": items}
                      if items else ""],
        back=reverse("console:event_agenda", kwargs={"event_id": event.pk}),
    )
    if asked:
        return asked
    try:
        agenda_rules.delete_block(block, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return _to_agenda(event, f"block-{block.pk}")
    messages.success(request, _("The block is deleted."))
    return redirect("console:event_agenda", event_id=event.pk)


@login_required
@require_POST
def block_move(request, event_id, block_id, direction):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    block = _block(event, block_id)
    try:
        agenda_rules.move_block(block, direction, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    return _to_agenda(event, f"block-{block.pk}")


@login_required
@require_POST
def item_move(request, event_id, item_id, direction):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    item = _item(event, item_id)
    try:
        agenda_rules.move_item(item, direction, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    return _to_agenda(event, f"item-{item.pk}")


@login_required
@require_POST
def block_parallel(request, event_id, block_id):
    """One click: another parallel session at the times of this one, to be named next."""
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    block = _block(event, block_id)
    try:
        session = agenda_rules.add_parallel_session(block, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("console:event_agenda", event_id=event.pk)
    except ValidationError as error:  # the agenda changed under the click
        messages.error(request, " ".join(error.messages))
        return redirect("console:event_agenda", event_id=event.pk)
    messages.success(request, _("A parallel session is added at the same times: name it."))
    url = reverse("console:event_agenda", kwargs={"event_id": event.pk})
    return redirect(f"{url}?edit={session.pk}#block-{session.pk}")


@login_required
@require_POST
def item_new(request, event_id, block_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    block = _block(event, block_id)
    with timezone.override(event.tz):
        item_form = forms.QuickItemForm(request.POST, block=block, prefix="item")
        if item_form.is_valid():
            try:
                item = agenda_rules.save_item(item_form.instance, actor=request.user)
            except ValidationError as error:
                apply_errors(item_form, error)
            else:
                messages.success(request, _("The item is added."))
                return _to_agenda(event, f"item-{item.pk}")
        return _agenda_page(request, event, role, failed=("new_item", block.pk, item_form))


def _item(event, item_id) -> AgendaItem:
    item = get_object_or_404(AgendaItem.objects.select_related("block"), block__event=event,
                             pk=item_id)
    item.block.event = event
    return item


@login_required
def item_edit(request, event_id, item_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    item = _item(event, item_id)
    with timezone.override(event.tz):
        posted = request.method == "POST"
        form = forms.ItemForm(request.POST if posted else None, instance=item, block=item.block,
                              prefix="item")
        if posted and form.is_valid():
            try:
                agenda_rules.save_item(form.instance, actor=request.user)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The item is saved."))
                return _to_agenda(event, f"item-{item.pk}")
        if posted:
            return _agenda_page(request, event, role, failed=("item", item.pk, form))
        item = _item(event, item_id)
        people = list(Person.objects.filter(project=event.project).order_by("name", "id"))
        return _page(
            request, "item.html", event, role, item=item, agenda_block=item.block, form=form,
            roles=list(item.roles.select_related("person")),
            role_form=forms.RoleForm(project=event.project, people=people, prefix="role"),
            person_form=forms.PersonForm(prefix="person"),
        )


@login_required
@require_POST
def item_delete(request, event_id, item_id):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    item = _item(event, item_id)
    asked = ask_first(
        request, what=_("the item “%(title)s”") % {"title": _text(item, "title")},
        back=reverse("console:event_agenda", kwargs={"event_id": event.pk}),
    )
    if asked:
        return asked
    agenda_rules.delete_item(item, actor=request.user)
    messages.success(request, _("The item is deleted."))
    return _to_agenda(event, f"block-{item.block_id}")


@login_required
@require_POST
def role_add(request, event_id, item_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    item = _item(event, item_id)
    form = forms.RoleForm(request.POST, project=event.project, prefix="role")
    if form.is_valid():
        try:
            agenda_rules.add_role(item, form.cleaned_data["person"], form.cleaned_data["role"],
                                  actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The person is added."))
            return _to_agenda(event, f"item-{item.pk}")
    return _agenda_page(request, event, role, failed=("role", item.pk, form))


@login_required
@require_POST
def person_new(request, event_id, item_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    item = _item(event, item_id)
    form = forms.PersonForm(request.POST, prefix="person")
    form.instance.project = event.project
    if form.is_valid():
        try:
            agenda_rules.add_new_person(item, form.instance, form.cleaned_data["role"],
                                        actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The person is added."))
            return _to_agenda(event, f"item-{item.pk}")
    return _agenda_page(request, event, role, failed=("person", item.pk, form))


@login_required
@require_POST
def role_delete(request, event_id, item_id, role_id):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    item = _item(event, item_id)
    item_role = get_object_or_404(ItemRole.objects.select_related("person"), item=item,
                                  pk=role_id)
    asked = ask_first(
        request, what=_("%(name)s from the item “%(title)s”") % {
            "name": item_role.person.name, "title": _text(item, "title")},
        back=reverse("console:event_agenda", kwargs={"event_id": event.pk}),
    )
    if asked:
        return asked
    agenda_rules.remove_role(item_role, actor=request.user)
    messages.success(request, _("The person is removed from the item."))
    url = reverse("console:event_agenda", kwargs={"event_id": event.pk})
    removed = f"{item.pk}-{item_role.person_id}-{item_role.role}"  # what Undo puts back
    return redirect(f"{url}?removed={removed}#item-{item.pk}")


# --- Registration settings --------------------------------------------------------------------


@login_required
def registration_settings(request, event_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    old = copy.copy(event)
    options = RegistrationOptions.for_event(event)
    data = request.POST if request.method == "POST" else None
    with timezone.override(event.tz):
        window = forms.EventWindowForm(data, instance=event, prefix="event")
        options_form = forms.RegistrationOptionsForm(data, instance=options, prefix="options")
        if data is not None and window.is_valid() and options_form.is_valid():
            try:
                registration_setup.save_registration_settings(
                    window.instance, options_form.instance, actor=request.user
                )
            except ValidationError as error:
                apply_errors(window, error)
            else:
                messages.success(request, _("The registration settings are saved."))
                return redirect("console:event_registration", event_id=event.pk)
        return _page(request, "registration.html", old, role, window=window,
                     options_form=options_form)


# --- Questions --------------------------------------------------------------------------------


@login_required
def questions(request, event_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    form = forms.QuestionForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            registration_setup.save_question(form.instance, actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The question is added."))
            return redirect("console:event_questions", event_id=event.pk)
    return _page(request, "questions.html", event, role, form=form,
                 questions=registration_queries.questions(event))


def _question(event, question_id) -> Question:
    question = get_object_or_404(Question, event=event, pk=question_id)
    question.event = event
    return question


@login_required
def question_edit(request, event_id, question_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    question = _question(event, question_id)
    form = forms.QuestionForm(request.POST or None, instance=question, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            registration_setup.save_question(form.instance, actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The question is saved."))
            return redirect("console:event_questions", event_id=event.pk)
    return _page(request, "question.html", event, role, form=form,
                 question=_question(event, question_id))


@login_required
@require_POST
def question_move(request, event_id, question_id, direction):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    registration_setup.move_question(
        _question(event, question_id), -1 if direction == "up" else 1, actor=request.user
    )
    return redirect("console:event_questions", event_id=event.pk)


@login_required
@require_POST
def question_delete(request, event_id, question_id):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    question = _question(event, question_id)
    answers = registration_setup.answers_to(question)
    asked = ask_first(
        request, what=_("the question “%(label)s”") % {"label": _text(question, "label")},
        consequences=[ngettext("%(count)d registrant answered it.",
                               "%(count)d registrants answered it.", answers)
                      % {"count": answers} if answers else ""],
        back=reverse("console:event_questions", kwargs={"event_id": event.pk}),
    )
    if asked:
        return asked
    try:
        registration_setup.delete_question(question, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The question is deleted."))
    return redirect("console:event_questions", event_id=event.pk)


# --- Privacy notice ---------------------------------------------------------------------------


@login_required
def privacy_notice(request, event_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    current = registration_queries.current_privacy_notice(event)
    partners = list(event.project.partners.all())
    wanted = request.GET.get("template", "")
    drafted_from = next((p for p in partners if str(p.pk) == wanted), None)
    if drafted_from is not None:  # "Start from the template for <partner>": a draft, unsaved
        initial = {"text": privacy_templates.draft(event.project, drafted_from, event),
                   "controller": drafted_from.pk}
    elif current is not None:
        initial = {"text": current.text, "controller": current.controller_id}
    else:
        initial = {"controller": event.host_partner_id}
    form = forms.PrivacyNoticeForm(request.POST or None, initial=initial, event=event)
    if request.method == "POST" and form.is_valid():
        result = registration_setup.new_privacy_notice(
            event, form.cleaned_data["text"], controller=form.cleaned_data["controller"],
            actor=request.user,
        )
        if result.created:
            messages.success(request, _("Version %(version)d of the privacy notice is saved; "
                                        "earlier registrants keep the version they accepted.")
                             % {"version": result.notice.version})
        else:
            messages.info(request, _("The notice is unchanged: no new version."))
        return redirect("console:event_privacy", event_id=event.pk)
    accepted = registration_setup.notice_acceptances(current)
    # The host first among the templates offered: usually the controller.
    partners.sort(key=lambda partner: partner.pk != event.host_partner_id)
    return _page(request, "privacy.html", event, role, form=form, current=current,
                 partners=partners, drafted_from=drafted_from, accepted=accepted,
                 accepted_text=ngettext(
                     "%(count)d registrant accepted this version.",
                     "%(count)d registrants accepted this version.", accepted,
                 ) % {"count": accepted})
