"""Pictures organisers upload (core.images): told by their bytes, raster only, size-limited."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from aula.core import images
from tests.factories import make_image_upload

SVG = (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
       b'<rect width="10" height="10"/></svg>')


@pytest.mark.parametrize(("kind", "extension"), [("PNG", "png"), ("JPEG", "jpg"),
                                                 ("WEBP", "webp")])
def test_png_jpeg_and_webp_are_accepted_with_the_extension_of_what_they_are(kind, extension):
    picture = images.check(make_image_upload(kind, name="whatever.gif", size=(30, 10)))
    assert (picture.extension, picture.width, picture.height) == (extension, 30, 10)


@pytest.mark.parametrize("upload", [
    SimpleUploadedFile("logo.svg", SVG, "image/svg+xml"),
    SimpleUploadedFile("logo.png", SVG, "image/png"),  # an SVG calling itself a PNG
    SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\nnot really", "image/png"),
    SimpleUploadedFile("logo.png", b"%PDF-1.4", "image/png"),
    make_image_upload("GIF", name="logo.png"),
], ids=["svg", "svg-named-png", "broken-png", "pdf", "gif"])
def test_anything_else_is_refused_by_its_content(upload):
    with pytest.raises(ValidationError) as refused:
        images.check(upload)
    assert refused.value.code == "not_accepted"


def test_a_picture_too_large_is_refused(settings):
    settings.AULA_IMAGE_MAX_BYTES = 100
    with pytest.raises(ValidationError) as refused:
        images.check(make_image_upload("PNG", size=(400, 400)))
    assert refused.value.code == "too_large"


def test_stored_names_are_random_and_never_the_uploaders():
    first = images.project_logo_path(None, "upload.png")
    second = images.project_logo_path(None, "upload.png")
    assert first.startswith("logos/") and first.endswith(".png") and first != second
    assert images.event_image_path(None, "upload.svg").endswith(".bin")
