"""Console pages for after the seminar: materials, the feedback survey and certificates.

Thin: every page gets its event from ``event_for`` with the role it needs (viewer to read,
editor to change) and leaves the rules to the apps' ``services`` and ``queries``: what the
event's life cycle allows (``ActionRefused``, shown as it is), the audit entries, the record of
a certificate downloaded by an organiser.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from aula.certificates import queries as certificate_queries
from aula.certificates import services as certificate_services
from aula.certificates.forms import RuleForm
from aula.certificates.models import CertificateRule
from aula.certificates.views import pdf_response
from aula.console.confirm import ask_first
from aula.console.models import Role
from aula.console.permissions import event_for, may_download_personal_data
from aula.core.errors import ActionRefused
from aula.core.forms import apply_errors
from aula.core.translation import localize
from aula.events.lifecycle import after_seminar_refusal
from aula.feedback import queries as feedback_queries
from aula.feedback import services as feedback_services
from aula.feedback.forms import QuestionForm, SettingsForm
from aula.feedback.models import SurveyQuestion
from aula.materials import queries as material_queries
from aula.materials import services as material_services
from aula.materials.forms import DocumentForm, EditForm, LinkForm
from aula.materials.models import Material
from aula.materials.views import document_response


def _context(event, role, **extra) -> dict:
    return {"event": event, "project": event.project, "role": role,
            "content_language": event.primary_language, "can_edit": role != Role.VIEWER,
            "refusal": after_seminar_refusal(event), **extra}


# --- Materials -------------------------------------------------------------------------------


def _materials_page(request, event, role, *, document_form=None, link_form=None, status=200):
    return render(request, "console/after/materials.html", _context(
        event, role, materials=material_queries.for_console(event),
        document_form=document_form or DocumentForm(prefix="document"),
        link_form=link_form or LinkForm(prefix="link"),
    ), status=status)


@login_required
@require_safe
def materials(request, event_id):
    event, role = event_for(request.user, event_id, Role.VIEWER)
    return _materials_page(request, event, role)


@login_required
@require_POST
def material_add_document(request, event_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    form = DocumentForm(request.POST, request.FILES, prefix="document")
    if form.is_valid():
        data = form.cleaned_data
        try:
            material_services.add_document(
                event, actor=request.user, title=data["title"], upload=data["file"],
                order=data["order"], published=data["published"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The document is added."))
            return redirect("console:materials", event_id=event.pk)
    return _materials_page(request, event, role, document_form=form, status=400)


@login_required
@require_POST
def material_add_link(request, event_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    form = LinkForm(request.POST, prefix="link")
    if form.is_valid():
        data = form.cleaned_data
        try:
            material_services.add_link(
                event, actor=request.user, title=data["title"], url=data["url"],
                order=data["order"], published=data["published"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The link is added."))
            return redirect("console:materials", event_id=event.pk)
    return _materials_page(request, event, role, link_form=form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def material_edit(request, event_id, material_id):
    needed = Role.EDITOR if request.method == "POST" else Role.VIEWER
    event, role = event_for(request.user, event_id, needed)
    material = get_object_or_404(Material, pk=material_id, event=event)
    material.event = event
    is_link = material.kind == Material.Kind.LINK
    status = 200
    if request.method == "POST":
        form = EditForm(request.POST, is_link=is_link)
        if form.is_valid():
            data = form.cleaned_data
            try:
                material_services.update(
                    material, actor=request.user, title=data["title"], order=data["order"],
                    published=data["published"], url=data.get("url"),
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The material is saved."))
                return redirect("console:materials", event_id=event.pk)
        status = 400
    else:
        form = EditForm(is_link=is_link, initial={
            "title": material.title, "order": material.order,
            "published": material.published, "url": material.url,
        })
    return render(request, "console/after/material_edit.html",
                  _context(event, role, material=material, form=form), status=status)


@login_required
@require_POST
def material_delete(request, event_id, material_id):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    material = get_object_or_404(Material, pk=material_id, event=event)
    material.event = event
    asked = ask_first(
        request, what=_("the material “%(title)s”") % {
            "title": material.text("title", get_language()).text},
        consequences=[_("It is no longer listed on the event's page.")
                      if material.published else ""],
        back=reverse("console:materials", kwargs={"event_id": event.pk}),
    )
    if asked:
        return asked
    material_services.delete(material, actor=request.user)
    messages.success(request, _("The material is removed."))
    return redirect("console:materials", event_id=event.pk)


@login_required
@require_safe
def material_file(request, event_id, material_id):
    """The document as uploaded, published or not, for the organisers to check."""
    event, _role = event_for(request.user, event_id, Role.VIEWER)
    material = get_object_or_404(
        Material, pk=material_id, event=event, kind=Material.Kind.DOCUMENT
    )
    return document_response(material)


# --- Feedback --------------------------------------------------------------------------------


def _local_input(value, event):
    return timezone.localtime(value, event.tz).replace(tzinfo=None) if value else None


def _feedback_page(request, event, role, *, settings_form=None, question_form=None,
                   status=200):
    survey = feedback_queries.survey_of(event)
    if settings_form is None:
        settings_form = SettingsForm(event=event, initial={
            "intro": survey.intro, "is_open": survey.is_open,
            "closes_at": _local_input(survey.closes_at, event),
        } if survey else {})
    return render(request, "console/after/feedback.html", _context(
        event, role, survey=survey,
        results=feedback_queries.results(survey) if survey else None,
        accepts_answers=feedback_services.takes_answers(survey),
        settings_form=settings_form,
        question_form=question_form or QuestionForm(),
    ), status=status)


@login_required
@require_safe
def feedback(request, event_id):
    event, role = event_for(request.user, event_id, Role.VIEWER)
    return _feedback_page(request, event, role)


@login_required
@require_POST
def feedback_settings(request, event_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    form = SettingsForm(request.POST, event=event)
    if form.is_valid():
        data = form.cleaned_data
        try:
            feedback_services.save_settings(
                event, actor=request.user, intro=data["intro"], is_open=data["is_open"],
                closes_at=data["closes_at"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        except ActionRefused as refusal:
            form.add_error("is_open", str(refusal))
        else:
            messages.success(request, _("The survey is saved."))
            return redirect("console:feedback", event_id=event.pk)
    return _feedback_page(request, event, role, settings_form=form, status=400)


@login_required
@require_POST
def feedback_question_add(request, event_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            data = form.cleaned_data
            feedback_services.add_question(
                event, actor=request.user, text=data["text"], order=data["order"],
                kind=data["kind"], options=data["options"], required=data["required"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The question is added."))
            return redirect("console:feedback", event_id=event.pk)
    return _feedback_page(request, event, role, question_form=form, status=400)


@login_required
@require_POST
def feedback_question_delete(request, event_id, question_id):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    question = get_object_or_404(
        SurveyQuestion.objects.select_related("survey"), pk=question_id, survey__event=event
    )
    question.survey.event = event
    answers = question.ratings.count() + question.answers.count()
    asked = ask_first(
        request, what=_("the question “%(text)s”") % {
            "text": localize(question.text, get_language(), event.primary_language).text},
        consequences=[ngettext("Its %(count)d answer goes with it.",
                               "Its %(count)d answers go with it.", answers)
                      % {"count": answers} if answers else ""],
        back=reverse("console:feedback", kwargs={"event_id": event.pk}),
    )
    if asked:
        return asked
    feedback_services.delete_question(question, actor=request.user)
    messages.success(request, _("The question and its answers are removed."))
    return redirect("console:feedback", event_id=event.pk)


# --- Certificates ----------------------------------------------------------------------------


def _certificates_page(request, event, role, *, rule_form=None, status=200):
    rule = CertificateRule.for_event(event)
    certificates = certificate_queries.for_console(event)
    return render(request, "console/after/certificates.html", _context(
        event, role, rule=rule, certificates=certificates,
        summary=certificate_queries.summary(event, certificates, rule),
        can_download=may_download_personal_data(request.user, event.project),
        rule_form=rule_form or RuleForm(initial={
            "minimum_minutes": rule.minimum_minutes,
            "allow_unknown_duration": rule.allow_unknown_duration,
        }),
    ), status=status)


@login_required
@require_safe
def certificates(request, event_id):
    event, role = event_for(request.user, event_id, Role.VIEWER)
    return _certificates_page(request, event, role)


@login_required
@require_POST
def certificate_rule(request, event_id):
    event, role = event_for(request.user, event_id, Role.EDITOR)
    form = RuleForm(request.POST)
    if form.is_valid():
        certificate_services.save_rule(event, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The rule is saved."))
        return redirect("console:certificates", event_id=event.pk)
    return _certificates_page(request, event, role, rule_form=form, status=400)


def _refused(request, refusal: ActionRefused):
    messages.error(request, str(refusal))


@login_required
@require_POST
def certificates_issue(request, event_id):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    try:
        issued = certificate_services.issue_all(event, actor=request.user)
    except ActionRefused as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, _(
            "Certificates issued: %(created)d new, %(unchanged)d already issued (unchanged: "
            "reissue them to bring them up to date)."
        ) % {"created": issued.created, "unchanged": issued.unchanged})
    return redirect("console:certificates", event_id=event.pk)


@login_required
@require_POST
def certificates_reissue_all(request, event_id):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    try:
        count = certificate_services.reissue_all(event, actor=request.user)
    except ActionRefused as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, _("Certificates reissued: %(count)d.") % {"count": count})
    return redirect("console:certificates", event_id=event.pk)


@login_required
@require_POST
def certificate_reissue(request, event_id, certificate_id):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    certificate = certificate_queries.in_event(event, certificate_id)
    if certificate is None:
        raise Http404
    try:
        certificate_services.reissue(certificate, actor=request.user)
    except ActionRefused as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, _("The certificate %(code)s is reissued.")
                         % {"code": certificate.code})
    return redirect("console:certificates", event_id=event.pk)


@login_required
@require_safe
def certificate_pdf(request, event_id, certificate_id):
    """An organiser's download of one certificate (personal data: recorded). A revoked
    certificate has no PDF any more."""
    event, _role = event_for(request.user, event_id, Role.VIEWER, personal_data=True)
    certificate = certificate_queries.in_event(event, certificate_id)
    if certificate is None:
        raise Http404
    return pdf_response(
        certificate, certificate_services.download_for_organiser(certificate, actor=request.user)
    )
