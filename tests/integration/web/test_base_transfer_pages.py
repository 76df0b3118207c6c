"""A base's "Import and export" (issue 10): the panel on the base page for its base
administrators, the upload with its row report in zh and en, the export of the base, and the
API's export and base filter."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import auth
from tradebase.registry.models import Base, Designation, Enterprise, KeyEnterprise

BAD_KEY_LIST = (
    "enterprise,list_title_en,year\n"
    "{own},Key exporters,2024\n"
    "{misspelt},Key exporters,1800\n"
    "{own},,2024\n"
)


def _other_base(session: Session, anxi: Base) -> Base:
    other = session.scalars(select(Base).where(Base.id != anxi.id).order_by(Base.id)).first()
    assert other is not None
    return other


def _upload(client: TestClient, base: Base, token: str, kind: str, text: str,
            name: str = "list.csv") -> tuple[int, str]:
    response = client.post(
        f"/bases/{base.id}/transfer", headers=auth(token), data={"kind": kind},
        files={"file": (name, text.encode(), "text/csv")},
    )
    return response.status_code, response.text


def _errors(html: str) -> list[tuple[str, str, str]]:
    table = html.split('id="import-errors"', 1)[1].split("</table>", 1)[0]
    return [tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in
                  re.findall(r"<td[^>]*>(.*?)</td>", row))  # type: ignore[misc]
            for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)]


def _count(html: str, name: str) -> str:
    return html.split(f'data-count="{name}">', 1)[1].split("<", 1)[0]


def test_only_the_bases_administrators_see_the_panel(
    client: TestClient, anxi: Base, session: Session, tokens: dict[str, str],
) -> None:
    other = _other_base(session, anxi)
    for who, shown in (("base_admin", True), ("admin", True), ("enterprise", False),
                       ("buyer", False), ("officer", False)):
        html = client.get(f"/bases/{anxi.id}", headers=auth(tokens[who])).text
        assert ('id="import-export"' in html) is shown, who
    assert 'id="import-export"' not in client.get(f"/bases/{anxi.id}").text
    html = client.get(f"/bases/{other.id}", headers=auth(tokens["base_admin"])).text
    assert 'id="import-export"' not in html  # not its base
    assert client.get(f"/bases/{other.id}/transfer",
                      headers=auth(tokens["base_admin"])).status_code == 403
    html = client.get(f"/bases/{anxi.id}", headers=auth(tokens["base_admin"])).text
    kinds = re.findall(r'<option value="([a-z_]+)"', html.split('id="field-kind"', 1)[1]
                       .split("</select>", 1)[0])
    assert "regions" not in kinds  # the platform's, not a base's
    assert {"designations", "key_enterprises", "key_projects", "products"} <= set(kinds)
    assert f"/bases/{anxi.id}/export/regions?format=csv" in html


@pytest.mark.parametrize(("lang", "unknown", "refused", "too_early", "no_title"), [
    ("en", "no enterprise named “{name}” in base anxi", "Rows refused", "must be at least 1949",
     "give the list's title in Chinese or English"),
    ("zh", "基地 anxi 中没有名为“{name}”的企业", "拒绝的行", "不得小于 1949",
     "请填写名单的中文或英文名称"),
])
def test_a_base_administrator_uploads_a_file_with_bad_rows(
    speak: Callable[[str], TestClient], anxi: Base, anxi_enterprise: Enterprise,
    session: Session, tokens: dict[str, str], lang: str, unknown: str, refused: str,
    too_early: str, no_title: str,
) -> None:
    client = speak(lang)
    misspelt = f"{anxi_enterprise.name_en} Co"
    text = BAD_KEY_LIST.format(own=anxi_enterprise.name_en, misspelt=misspelt)
    status, html = _upload(client, anxi, tokens["base_admin"], "key_enterprises", text)
    assert status == 422
    assert refused in html
    assert (_count(html, "read"), _count(html, "created"), _count(html, "refused")) == (
        "3", "0", "2")  # line 3 has two errors: one bad row
    errors = _errors(html)
    assert errors[0] == ("3", "enterprise", unknown.format(name=misspelt))
    assert errors[1] == ("3", "year", too_early)
    assert errors[2] == ("4", "list_title_en", no_title.replace("'", "&#39;"))
    assert 'selected>' in html.split('id="field-kind"', 1)[1].split("</select>", 1)[0]
    assert session.scalars(select(KeyEnterprise).where(KeyEnterprise.year == 2024)).first() is None
    status, html = _upload(client, anxi, tokens["base_admin"], "", text)
    assert status == 422
    assert 'id="error-kind"' in html


def test_a_good_file_is_imported_and_reported(
    speak: Callable[[str], TestClient], anxi: Base, session: Session, tokens: dict[str, str],
) -> None:
    client = speak("en")
    status, html = _upload(client, anxi, tokens["base_admin"], "designations",
                           "kind,title_en,level,year\npage_test,Page test,national,2024\n")
    assert status == 200, html
    assert (_count(html, "read"), _count(html, "created"), _count(html, "refused")) == (
        "1", "1", "0")
    designation = session.scalars(select(Designation).where(Designation.kind == "page_test")).one()
    assert designation.base_id == anxi.id
    status, html = _upload(client, anxi, tokens["base_admin"], "designations", "x",
                           name="list.pdf")
    assert status == 422
    assert '<p class="error" id="error-file">Upload a .csv or .xlsx file.</p>' in html
    # hostile files: text named .xlsx, a CSV with NUL bytes, a file past the upload limit
    for name, content in (("list.xlsx", "kind,title_en\n"), ("list.csv", "kind\x00\n")):
        status, html = _upload(client, anxi, tokens["base_admin"], "designations", content,
                               name=name)
        assert status == 415, html
        assert 'id="error-file">Upload a .csv or .xlsx file.</p>' in html
    huge = "kind,title_en,level\n" + "x,y,national\n" * 20
    client.app.state.settings = client.app.state.settings.model_copy(  # type: ignore[attr-defined]
        update={"upload_max_bytes": 100})
    status, html = _upload(client, anxi, tokens["base_admin"], "designations", huge)
    assert status == 413
    assert 'id="error-file">The file is larger than the upload limit.</p>' in html
    assert 'value="designations" selected' in html  # what was chosen is kept


def test_the_export_of_a_base_holds_its_rows_only(
    client: TestClient, anxi: Base, session: Session, tokens: dict[str, str],
) -> None:
    other = _other_base(session, anxi)
    session.add(Designation(base_id=other.id, kind="elsewhere", title_en="Elsewhere",
                            level="national"))
    session.flush()
    response = client.get(f"/bases/{anxi.id}/export/designations?format=csv",
                          headers=auth(tokens["base_admin"]))
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows
    assert {row["base"] for row in rows} == {anxi.key}
    assert client.get(f"/bases/{other.id}/export/designations",
                      headers=auth(tokens["base_admin"])).status_code == 403
    # the API: a base administrator's export is of its bases, an administrator's of all
    api = client.get("/api/v1/exports/designations", headers=auth(tokens["base_admin"]))
    assert api.status_code == 200
    assert "elsewhere" not in api.text
    assert "elsewhere" in client.get("/api/v1/exports/designations",
                                     headers=auth(tokens["admin"])).text
    assert client.get("/api/v1/exports/designations", params={"base": other.id},
                      headers=auth(tokens["base_admin"])).status_code == 403
    assert client.get("/api/v1/exports/designations",
                      headers=auth(tokens["enterprise"])).status_code == 403
    assert client.get("/api/v1/exports/designations").status_code == 401


def test_the_api_imports_a_new_kind_with_a_base_filter(
    client: TestClient, anxi: Base, session: Session, tokens: dict[str, str],
) -> None:
    other = _other_base(session, anxi)
    text = f"base,name_en,list_title_en\n,Harbour,Key projects\n{other.key},Theirs,Key projects\n"
    response = client.post(
        "/api/v1/imports/key_projects", params={"base": anxi.id},
        headers=auth(tokens["base_admin"]), files={"file": ("p.csv", text.encode(), "text/csv")},
    )
    assert response.status_code == 422
    body = response.json()["error"]
    assert (body["rows_read"], body["rows_refused"]) == (2, 1)
    assert [(r["line"], r["column"], r["code"]) for r in body["rows"]] == [
        (3, "base", "import_other_base")]
    response = client.post(
        "/api/v1/imports/key_projects", params={"base": anxi.id},
        headers=auth(tokens["base_admin"]),
        files={"file": ("p.csv", text.splitlines()[0].encode() + b"\n,Harbour,Key projects\n",
                        "text/csv")},
    )
    assert response.status_code == 200, response.text
    assert response.json() | {"kind": "key_projects"} == {
        "kind": "key_projects", "created": 1, "updated": 0, "enterprises_created": 0,
        "warnings": [], "rows_read": 1, "rows_refused": 0}


@pytest.mark.parametrize(("lang", "said"), [("en", "The file is empty."), ("zh", "文件为空。")])
def test_an_empty_file_is_named_by_the_field(
    speak: Callable[[str], TestClient], anxi: Base, tokens: dict[str, str], lang: str,
    said: str,
) -> None:
    status, html = _upload(speak(lang), anxi, tokens["base_admin"], "key_enterprises", "")
    assert status == 422
    assert said in html.split('id="error-file"', 1)[1].split("</", 1)[0]
