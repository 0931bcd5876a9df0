"""Just enough of a PDF reader to get WeasyPrint's text back, for tests (no extra dependency).

WeasyPrint writes text as hex glyph ids in Identity-H Type0 fonts, each with a ToUnicode map;
objects may sit in compressed object streams. ``text_runs`` returns the text of every TJ/Tj
operator in order: one run per piece of a line (a table cell's content is a run of its own).
"""

import re
import zlib

OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
STREAM = re.compile(rb"^(.*?)stream\r?\n(.*)endstream\s*$", re.S)
REFERENCE = re.compile(rb"/([A-Za-z0-9_.+-]+)\s+(\d+) 0 R")
OPERATORS = re.compile(rb"/([A-Za-z0-9_.+-]+)\s+[-\d.]+\s+Tf|\[(.*?)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj",
                       re.S)


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    objects = {}
    for match in OBJECT.finditer(data):
        number, body = int(match.group(1)), match.group(2)
        stream = STREAM.match(body)
        if stream:
            head, content = stream.groups()
            # The stream is exactly /Length bytes: compressed data may itself end in a byte
            # that looks like a line end, so stripping line ends would cut it (a flaky test).
            length = re.search(rb"/Length (\d+)\b(?!\s+\d+\s+R)", head)
            content = content[:int(length.group(1))] if length else content.rstrip(b"\r\n")
            if b"/FlateDecode" in head:
                content = zlib.decompress(content)
            objects[number] = (head, content)
        else:
            objects[number] = (body, None)
    for head, content in list(objects.values()):
        if content is not None and b"/ObjStm" in head:
            first = int(re.search(rb"/First (\d+)", head).group(1))
            numbers = [int(n) for n in content[:first].split()]
            pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
            for index, (number, offset) in enumerate(pairs):
                end = pairs[index + 1][1] if index + 1 < len(pairs) else len(content) - first
                objects[number] = (content[first + offset:first + end], None)
    return objects


def _cmap(data: bytes) -> dict[str, str]:
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for source, target in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[source.decode().lower()] = bytes.fromhex(target.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, target in re.findall(
            rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            start = int(target, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[f"{code:04x}"] = chr(start + offset)
    return mapping


def text_runs(data: bytes) -> list[str]:
    assert data.startswith(b"%PDF"), "not a PDF"
    objects = _objects(data)
    maps = {}
    for number, (head, _content) in objects.items():
        found = re.search(rb"/ToUnicode (\d+) 0 R", head)
        if found and b"/Type0" in head:
            maps[number] = _cmap(objects[int(found.group(1))][1] or b"")
    fonts = {}
    for head, _content in objects.values():
        for name, number in REFERENCE.findall(head):
            if int(number) in maps:
                fonts[name.decode()] = maps[int(number)]
    runs = []
    for head, content in objects.values():
        if content is None or b"/ObjStm" in head or b"Tf" not in content:
            continue
        font = {}
        for match in OPERATORS.finditer(content):
            name, array, single = match.groups()
            if name is not None:
                font = fonts.get(name.decode(), {})
                continue
            hexes = re.findall(rb"<([0-9a-fA-F]*)>", array) if array is not None else [single]
            text = "".join(
                font.get(chunk.decode().lower()[i:i + 4], "?")
                for chunk in hexes for i in range(0, len(chunk), 4)
            )
            runs.append(text)
    return runs


def pdf_text(data: bytes) -> str:
    return "\n".join(text_runs(data))
