"""Console pages for setting a project up: create it (whoever ``permissions.may_create_project``
allows; the creator becomes its owner), edit it, its partners (list, add, edit, reorder,
remove) and its own privacy notice (started from the template for a controller partner).

Owners change these; editors and viewers read the partners. The rules are in
``aula.projects.services`` and ``aula.registrations.setup``, each called with the actor."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from aula.console import project_forms as forms
from aula.console import services as console_services
from aula.console.confirm import ask_first
from aula.console.models import Role
from aula.console.permissions import allows, project_for, require_project_creation
from aula.core.errors import ActionRefused
from aula.core.forms import apply_errors
from aula.projects import services as projects
from aula.projects.models import Partner, Project
from aula.registrations import privacy_templates
from aula.registrations import setup as registration_setup


def _project_page(request, template, project, role, **context):
    return render(request, f"console/projects/{template}", {
        "project": project, "role": role, "is_owner": allows(role, Role.OWNER),
        "content_language": project.primary_language, **context,
    })


# --- The project ------------------------------------------------------------------------------


@login_required
def project_new(request):
    require_project_creation(request.user)
    form = forms.ProjectForm(request.POST or None, instance=Project())
    if request.method == "POST" and form.is_valid():
        try:
            project = console_services.create_project(form.instance, actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The project is created; you are its owner. Add its "
                                        "partners next."))
            return redirect("console:partners", project=project.slug)
    return render(request, "console/projects/new.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
def project_edit(request, project):
    project, role = project_for(request.user, project, Role.OWNER)
    slug = project.slug
    form = forms.ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            projects.change_project(form.instance, actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The project is saved."))
            return redirect("console:project", project=form.instance.slug)
    project.slug = slug  # the page's links keep the stored address while the form is wrong
    return _project_page(request, "edit.html", project, role, form=form)


# --- Partners ---------------------------------------------------------------------------------


def _partner(project, partner_id) -> Partner:
    return get_object_or_404(Partner, project=project, pk=partner_id)


@login_required
def partners(request, project):
    project, role = project_for(request.user, project)
    return _project_page(request, "partners.html", project, role,
                         partners=list(project.partners.all()))


@login_required
def partner_new(request, project):
    project, role = project_for(request.user, project, Role.OWNER)
    form = forms.PartnerForm(request.POST or None, request.FILES or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            partner = projects.add_partner(form.instance, actor=request.user,
                                           logo=form.cleaned_data["logo"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(partner)s is added.") %
                             {"partner": partner.organisation})
            return redirect("console:partners", project=project.slug)
    return _project_page(request, "partner.html", project, role, form=form, partner=None)


@login_required
def partner_edit(request, project, partner_id):
    project, role = project_for(request.user, project, Role.OWNER)
    partner = _partner(project, partner_id)
    form = forms.PartnerForm(request.POST or None, request.FILES or None, instance=partner,
                             project=project)
    if request.method == "POST" and form.is_valid():
        try:
            projects.change_partner(form.instance, actor=request.user,
                                    logo=form.cleaned_data["logo"],
                                    remove_logo=form.cleaned_data.get("remove_logo", False))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The partner is saved."))
            return redirect("console:partners", project=project.slug)
    return _project_page(request, "partner.html", project, role, form=form, partner=partner)


@login_required
@require_POST
def partner_move(request, project, partner_id, direction):
    project, _role = project_for(request.user, project, Role.OWNER)
    projects.move_partner(_partner(project, partner_id), direction, actor=request.user)
    return redirect("console:partners", project=project.slug)


@login_required
@require_POST
def partner_delete(request, project, partner_id):
    project, _role = project_for(request.user, project, Role.OWNER)
    partner = _partner(project, partner_id)
    back = reverse("console:partners", kwargs={"project": project.slug})
    uses = projects.partner_uses(partner)
    if not uses:
        asking = ask_first(request, what=_("the partner “%(name)s”") %
                           {"name": partner.organisation}, back=back)
        if asking is not None:
            return asking
    try:
        projects.remove_partner(partner, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("%(partner)s is removed.") %
                         {"partner": partner.organisation})
    return redirect(back)


# --- The project's privacy notice -------------------------------------------------------------


def template_controller(request, project) -> Partner | None:
    """The partner whose template the organiser asked to start from (``?template=<id>``)."""
    wanted = request.GET.get("template", "")
    if not wanted.isdigit():
        return None
    return project.partners.filter(pk=int(wanted)).first()


@login_required
def project_privacy(request, project):
    project, role = project_for(request.user, project, Role.OWNER)
    current = registration_setup.current_project_notice(project)
    controller = template_controller(request, project)
    if controller is not None:
        initial = {"text": privacy_templates.draft(project, controller),
                   "controller": controller.pk}
    elif current is not None:
        initial = {"text": current.text, "controller": current.controller_id}
    else:
        initial = {}
    form = forms.ProjectNoticeForm(request.POST or None, initial=initial, project=project)
    if request.method == "POST" and form.is_valid():
        result = registration_setup.new_project_privacy_notice(
            project, form.cleaned_data["text"], controller=form.cleaned_data["controller"],
            actor=request.user, via="console",
        )
        if result.created:
            messages.success(request, _("Version %(version)d of the project's privacy notice is "
                                        "saved.") % {"version": result.notice.version})
        else:
            messages.info(request, _("The notice is unchanged: no new version."))
        return redirect("console:project_privacy", project=project.slug)
    accepted = registration_setup.notice_acceptances(current)
    return _project_page(
        request, "privacy.html", project, role, form=form, current=current,
        partners=list(project.partners.all()), drafted_from=controller,
        accepted_text=ngettext("%(count)d registrant accepted this version.",
                               "%(count)d registrants accepted this version.",
                               accepted) % {"count": accepted},
    )
