import pytest

from common.csv import csv_response, safe_cell


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
