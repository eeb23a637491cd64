import pytest

from common.csv import csv_response, csv_streaming_response, safe_cell


@pytest.mark.parametrize("value", ["=1+1", "+33 1 23", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_cells_are_neutralised(value):
    assert safe_cell(value) == "'" + value


def test_plain_cells_are_kept():
    assert safe_cell("Zoé Dupont") == "Zoé Dupont"
    assert safe_cell(None) == ""


def test_csv_response_is_a_safe_semicolon_download():
    response = csv_response(filename="x.csv", header=["nom"], rows=[['=HYPERLINK("x")']])
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffnom\r\n")
    assert "'=HYPERLINK" in body
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'


def test_csv_streaming_response_is_the_same_download_written_as_it_is_sent():
    rows = [["Zoé", '=HYPERLINK("x")'], ["a;b", "ligne\nsuivante"]] * 20_000
    plain = csv_response(filename="x.csv", header=["nom", "note"], rows=rows)
    read = []

    def lazy():
        for row in rows:
            read.append(row)
            yield row

    streamed = csv_streaming_response(filename="x.csv", header=["nom", "note"], rows=lazy())
    assert streamed.streaming and not read  # nothing read before the download starts
    chunks = iter(streamed.streaming_content)
    first = next(chunks)
    assert 0 < len(read) < len(rows)  # one block at a time
    assert first + b"".join(chunks) == plain.content
    assert streamed["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert streamed["Content-Type"] == "text/csv; charset=utf-8"
