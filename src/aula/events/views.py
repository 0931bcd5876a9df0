from django.http import HttpResponse


def home(request):
    return HttpResponse("Aula")


def project_home(request, project):
    raise NotImplementedError


def event_page(request, project, event):
    raise NotImplementedError


def event_agenda_print(request, project, event):
    raise NotImplementedError


def event_calendar(request, project, event):
    raise NotImplementedError
