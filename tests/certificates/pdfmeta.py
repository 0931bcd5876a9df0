"""Reading a PDF's title without a PDF library: WeasyPrint keeps the document information in
a compressed object stream; inflate the streams and decode the /Title string."""

import re
import zlib


def _decode(found) -> str:
    if found.group(2):
        raw = bytes.fromhex(found.group(2).decode())
        return raw[2:].decode("utf-16-be") if raw[:2] == b"\xfe\xff" else raw.decode("latin-1")
    return found.group(3).decode("latin-1")


def pdf_titles(pdf: bytes) -> list[str]:
    """Every /Title string: the document's (from the HTML title) and the outline's."""
    titles = []
    # Up to "endstream" with the end-of-line before it kept: a compressed stream may itself end
    # in a CR byte, and decompressobj leaves the trailing line end aside as unused data.
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            data = zlib.decompressobj().decompress(match.group(1))
        except zlib.error:
            continue
        titles += [
            _decode(found)
            for found in re.finditer(rb"/Title\s*(<([0-9a-fA-F]+)>|\((.*?)\))", data, re.S)
        ]
    return titles
