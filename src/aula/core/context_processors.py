from django.conf import settings


def site(request):
    return {"AULA_BASE_URL": settings.AULA_BASE_URL}
