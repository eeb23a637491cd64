"""CSV downloads that spreadsheets open safely."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

# A cell starting with one of these is read as a formula by spreadsheet software.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The value as text, with a leading quote when a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_datetime(value) -> str:
    """A moment in the portal's time zone, as the pages show it, to the second with its offset
    (ISO 8601: `2026-01-12 19:35:00+01:00`); empty for none."""
    if value is None:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat(sep=" ")


def csv_response(*, filename: str, header: list[str], rows: Iterable[Iterable]) -> HttpResponse:
    """A UTF-8 (with BOM, for Excel) semicolon-separated download, every cell made safe."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return response


class _Line:
    """A file for csv.writer that hands back the line it was given."""

    def write(self, text: str) -> str:
        return text


def csv_streaming_response(
    *, filename: str, header: list[str], rows: Iterable[Iterable]
) -> StreamingHttpResponse:
    """The same download as `csv_response`, written while it is sent: memory stays flat
    whatever the number of rows, as long as `rows` is itself lazy (common.pagination's
    `keyset_chunks`, or a queryset's `.iterator(chunk_size=…)`). Lines go out in blocks of
    about 64 KiB."""
    writer = csv.writer(_Line(), delimiter=";")

    def lines():
        block = ["\ufeff", writer.writerow([safe_cell(h) for h in header])]
        size = 0
        for row in rows:
            line = writer.writerow([safe_cell(cell) for cell in row])
            block.append(line)
            size += len(line)
            if size >= 65536:
                yield "".join(block).encode()
                block, size = [], 0
        yield "".join(block).encode()

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
