"""Designations, key lists and regions files (issue 10), and every import checked row by row
against the actor's bases: a bad row is one bad row however many errors it has, an unknown or
foreign enterprise is an error on its line and column, exports are of the actor's bases.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.conftest import anxi_and_member_enterprise
from tradebase.accounts.guard import set_actor
from tradebase.accounts.policy import SYSTEM, Actor, Role
from tradebase.cli import app
from tradebase.errors import Forbidden, ImportRejected
from tradebase.registry.models import (
    Base,
    Designation,
    Enterprise,
    KeyEnterprise,
    KeyProject,
    Product,
    Region,
)
from tradebase.registry.transfer import SPECS, Kind, export_file, import_file

BASE_LIST_KINDS = [Kind.DESIGNATIONS, Kind.KEY_ENTERPRISES, Kind.KEY_PROJECTS, Kind.REGIONS]


def _write(tmp_path: Path, text: str, name: str = "file.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _other_base(session: Session, anxi: Base) -> Base:
    other = session.scalars(select(Base).where(Base.id != anxi.id).order_by(Base.id)).first()
    assert other is not None
    return other


def _base_admin(base: Base) -> Actor:
    return Actor(label="base admin", role=Role.BASE_ADMIN, user_id=999_001,
                 base_ids=frozenset({base.id}))


def _rows(session: Session, kind: Kind) -> list[list[object]]:
    session.expire_all()
    _, rows = SPECS[kind].export(session=session)
    return [list(row) for row in rows]


def _rejected(session: Session, kind: Kind, path: Path, **kwargs: object) -> ImportRejected:
    before = {k: _rows(session, k) for k in BASE_LIST_KINDS}
    with pytest.raises(ImportRejected) as caught:
        import_file(session=session, kind=kind, path=path, **kwargs)  # type: ignore[arg-type]
    assert {k: _rows(session, k) for k in BASE_LIST_KINDS} == before  # nothing written
    return caught.value


@pytest.fixture
def anxi(session: Session) -> Base:
    set_actor(session, SYSTEM)
    base, _ = anxi_and_member_enterprise(session)
    return base


@pytest.mark.parametrize("kind", BASE_LIST_KINDS)
@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_each_new_kind_round_trips_through_its_export(
    session: Session, anxi: Base, tmp_path: Path, kind: Kind, suffix: str,
) -> None:
    enterprise = anxi_and_member_enterprise(session)[1]
    session.add_all([
        Designation(base_id=anxi.id, kind="rt_test", title_en="Round-trip title",
                    title_zh="往返称号", level="national", year=2020),
        KeyEnterprise(base_id=anxi.id, enterprise_id=enterprise.id, name_en=enterprise.name_en,
                      list_title_en="Round-trip list", year=2021),
        KeyProject(base_id=anxi.id, name_zh="往返项目", list_title_zh="重点项目", year=2022,
                   description_en="A project, with a comma"),
    ])
    session.flush()
    before = _rows(session, kind)
    assert before
    path = tmp_path / f"{kind.value}.{suffix}"
    assert export_file(session=session, kind=kind, path=path) == len(before)
    summary = import_file(session=session, kind=kind, path=path)
    assert (summary.created, summary.updated, summary.rows_read) == (0, len(before), len(before))
    assert _rows(session, kind) == before


def test_new_rows_are_added_and_the_base_may_be_given_by_key(
    session: Session, anxi: Base, tmp_path: Path,
) -> None:
    path = _write(tmp_path, "base,kind,title_en,title_zh,level,year\n"
                            f"{anxi.key},export_base,Export base,出口基地,provincial,2019\n")
    summary = import_file(session=session, kind=Kind.DESIGNATIONS, path=path)
    assert (summary.created, summary.updated) == (1, 0)
    added = session.get(Designation, summary.ids[0])
    assert added is not None
    assert (added.base_id, added.title_zh, added.year) == (anxi.id, "出口基地", 2019)
    # the same kind and year of the same base is the same designation: updated, not added
    path = _write(tmp_path, "base,kind,title_en,level,year\n"
                            f"{anxi.id},export_base,Export base (renamed),provincial,2019\n")
    summary = import_file(session=session, kind=Kind.DESIGNATIONS, path=path)
    assert (summary.created, summary.updated) == (0, 1)


def test_a_row_with_two_errors_is_one_bad_row(
    session: Session, anxi: Base, tmp_path: Path,
) -> None:
    path = _write(tmp_path, "base,kind,title_en,level,year\n"
                            f"{anxi.id},good_one,Good,national,2020\n"
                            f"{anxi.id},bad_one,Bad,galactic,1800\n"
                            f"{anxi.id},,,national,2020\n")
    rejected = _rejected(session, Kind.DESIGNATIONS, path)
    errors = {(e.line, e.column, e.code) for e in rejected.errors}
    assert errors == {(3, "level", "enum"), (3, "year", "greater_than_equal"),
                      (4, "kind", "string_pattern_mismatch"), (4, "title_en", "string_too_short")}
    assert rejected.bad_rows == 2
    assert rejected.rows_read == 3
    assert rejected.message == "file.csv: 2 bad rows; nothing was imported"


def test_an_unknown_enterprise_of_a_key_list_is_an_error_on_its_line(
    session: Session, anxi: Base, tmp_path: Path,
) -> None:
    other = _other_base(session, anxi)
    elsewhere = session.scalars(select(Enterprise).where(Enterprise.base_id == other.id)).first()
    assert elsewhere is not None
    path = _write(tmp_path, "base,enterprise,list_title_en,year\n"
                            f"{anxi.id},Anxi Rattann Works,Key exporters,2023\n"
                            f"{anxi.id},{elsewhere.name_en},Key exporters,2023\n")
    rejected = _rejected(session, Kind.KEY_ENTERPRISES, path)
    assert [(e.line, e.column, e.code) for e in rejected.errors] == [
        (2, "enterprise", "import_unknown_enterprise"),
        (3, "enterprise", "import_unknown_enterprise"),  # of another base: not this one's
    ]
    assert rejected.errors[0].reason == (
        f"no enterprise named 'Anxi Rattann Works' in base {anxi.key}")


def test_a_base_administrator_imports_only_its_own_bases_rows(
    session: Session, anxi: Base, tmp_path: Path,
) -> None:
    other = _other_base(session, anxi)
    set_actor(session, _base_admin(anxi))
    path = _write(tmp_path, "base,name_en,list_title_en\n"
                            f"{anxi.id},Own project,Key projects\n"
                            f"{other.id},Their project,Key projects\n")
    rejected = _rejected(session, Kind.KEY_PROJECTS, path)
    assert [(e.line, e.column, e.code) for e in rejected.errors] == [
        (3, "base", "import_base_not_yours")]
    # from its base's page, an empty base cell is that base, another base an error
    path = _write(tmp_path, "base,name_en,list_title_en\n,Own project,Key projects\n"
                            f"{other.key},Their project,Key projects\n")
    rejected = _rejected(session, Kind.KEY_PROJECTS, path, base_id=anxi.id)
    assert [(e.line, e.column, e.code) for e in rejected.errors] == [
        (3, "base", "import_other_base")]
    path = _write(tmp_path, "name_en,list_title_en\nOwn project,Key projects\n")
    summary = import_file(session=session, kind=Kind.KEY_PROJECTS, path=path, base_id=anxi.id)
    project = session.get(KeyProject, summary.ids[0])
    assert project is not None
    assert project.base_id == anxi.id
    with pytest.raises(Forbidden):  # regions are of no base: the platform's
        import_file(session=session, kind=Kind.REGIONS,
                    path=_write(tmp_path, "code,name_zh,name_en,level\n1,一,One,province\n"))
    with pytest.raises(Forbidden):
        import_file(session=session, kind=Kind.KEY_PROJECTS, path=path, base_id=other.id)


def test_a_misspelt_enterprise_in_a_products_file_is_an_error_not_a_refusal(
    session: Session, anxi: Base, tmp_path: Path,
) -> None:
    own = anxi_and_member_enterprise(session)[1]
    set_actor(session, _base_admin(anxi))
    path = _write(tmp_path, "sku,enterprise,title\n"
                            f"BL-1,{own.name_en},Stool\nBL-2,{own.name_en}x,Stool\n")
    with pytest.raises(ImportRejected) as caught:
        import_file(session=session, kind=Kind.PRODUCTS, path=path, base_id=anxi.id)
    assert [(e.line, e.column, e.code, e.params) for e in caught.value.errors] == [
        (3, "enterprise", "import_unknown_enterprise",
         {"name": f"{own.name_en}x", "base": str(anxi.key)})]
    assert session.scalars(select(Product).where(Product.sku == "BL-1")).first() is None
    with pytest.raises(ImportRejected) as caught:  # without a base: among its bases
        import_file(session=session, kind=Kind.PRODUCTS, path=path)
    assert caught.value.errors[0].code == "import_unknown_enterprise_mine"


def test_an_indicator_of_another_base_is_an_error_on_its_line(
    session: Session, anxi: Base, tmp_path: Path,
) -> None:
    other = _other_base(session, anxi)
    set_actor(session, _base_admin(anxi))
    path = _write(tmp_path, "base,metric,value,unit,year\n"
                            f"{anxi.id},enterprises,10,enterprises,2001\n"
                            f"{other.id},enterprises,10,enterprises,2001\n")
    with pytest.raises(ImportRejected) as caught:
        import_file(session=session, kind=Kind.INDICATORS, path=path)
    assert [(e.line, e.column, e.code) for e in caught.value.errors] == [
        (3, "base", "import_base_not_yours")]


def test_a_base_administrators_export_is_of_its_bases(
    session: Session, anxi: Base, tmp_path: Path,
) -> None:
    other = _other_base(session, anxi)
    set_actor(session, _base_admin(anxi))
    for kind in Kind:
        path = tmp_path / f"{kind.value}.csv"
        export_file(session=session, kind=kind, path=path)
        text = path.read_text(encoding="utf-8-sig")
        if kind in (Kind.DESIGNATIONS, Kind.KEY_ENTERPRISES, Kind.KEY_PROJECTS):
            bases = {line.split(",")[1] for line in text.splitlines()[1:]}
            assert bases <= {anxi.key, str(anxi.id)}, kind
    products = (tmp_path / "products.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    stored = session.scalars(select(Product.sku).join(Enterprise)
                             .where(Enterprise.base_id == anxi.id)).all()
    assert len(products) == len(stored)
    enterprises = (tmp_path / "enterprises.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(enterprises) - 1 == len(session.scalars(
        select(Enterprise.id).where(Enterprise.base_id == anxi.id)).all())
    facts = (tmp_path / "indicators.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert facts
    assert all(line.split(",")[0] in {anxi.key, ""} for line in facts)
    with pytest.raises(Forbidden):
        export_file(session=session, kind=Kind.DESIGNATIONS, path=tmp_path / "x.csv",
                    base_id=other.id)


def test_regions_with_their_parents_are_added_in_file_order(
    session: Session, anxi: Base, tmp_path: Path,
) -> None:
    path = _write(tmp_path, "code,name_zh,name_en,level,parent\n"
                            "990000,测试省,Test Province,province,\n"
                            "990100,测试市,Test City,city,990000\n"
                            "990101,测试县,Test County,county,Test City\n")
    summary = import_file(session=session, kind=Kind.REGIONS, path=path)
    assert summary.created == 3
    county = session.scalars(select(Region).where(Region.code == "990101")).one()
    assert county.parent is not None
    assert county.parent.code == "990100"
    path = _write(tmp_path, "code,name_zh,name_en,level,parent\n"
                            "990200,测试二,Second,city,nowhere\n990300,,Third,town,\n")
    rejected = _rejected(session, Kind.REGIONS, path)
    assert [(e.line, e.column, e.code) for e in rejected.errors] == [
        (2, "parent", "import_unknown_region"), (3, "level", "enum"),
        (3, "name_zh", "string_too_short")]


def test_the_cli_imports_and_exports_the_new_kinds(cli_database: str, tmp_path: Path) -> None:
    runner = CliRunner()
    path = _write(tmp_path, "code,name_zh,name_en,level,parent\n"
                            "980000,省,Province,province,\n980100,市,City,city,980000\n")
    result = runner.invoke(app, ["import", "regions", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported file.csv: 2 regions added, 0 updated." in result.stdout
    out = tmp_path / "regions.xlsx"
    result = runner.invoke(app, ["export", "regions", str(out)])
    assert result.exit_code == 0, result.output
    assert "Exported 2 regions" in result.stdout
    result = runner.invoke(app, ["export", "designations", str(out), "--base", "nowhere"])
    assert result.exit_code == 1
    assert "unknown base 'nowhere'" in result.stderr
