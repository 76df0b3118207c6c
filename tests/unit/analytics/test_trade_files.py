"""Reading BACI, Comtrade+ and Tradebase trade files into one year's export arrays."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from tradebase.analytics import trade_files
from tradebase.analytics.trade_files import Source, hs_edition_of, read_trade_file
from tradebase.errors import ImportRejected, InvalidInput

FIXTURES = Path(__file__).parents[2] / "fixtures" / "trade"
BACI = FIXTURES / "BACI_HS17_Y2022_V202401.csv"
COMTRADE = FIXTURES / "comtrade_2022.tsv"
OWN = FIXTURES / "tradebase_trade.csv"


def _value(data: trade_files.TradeYear, place: object, product: str) -> float:
    return float(data.exports[data.places.index(place), data.products.index(product)])


def test_baci_codes_as_written_and_zero_padded_products() -> None:
    data = read_trade_file(BACI, "baci", 2022)
    assert data.places == [156, 276, 752, 842]
    assert data.products == ["010121", "090111", "610910", "870323"]
    assert data.currency == "thousand USD"
    assert data.hs_edition == "HS17"
    assert data.rows_read == data.rows_used == 12
    # Summed over partners: 40.0 to the US and 10.0 to Germany.
    assert _value(data, 156, "090111") == 50.0
    assert _value(data, 276, "090111") == 0.0
    assert data.partners == [156, 276, 752, 842]
    assert data.by_partner[0].tolist() == [0.0, 310.25, 0.0, 160.5]


def test_hs_edition_from_the_option_or_the_name() -> None:
    assert read_trade_file(BACI, Source.BACI, 2022, hs_edition="22").hs_edition == "HS22"
    assert hs_edition_of(Path("BACI_HS92_Y1995_V202401.csv")) == "HS92"
    assert hs_edition_of(Path("exports.csv")) is None
    assert hs_edition_of(Path("exports.csv"), "hs12") == "HS12"


def test_comtrade_exports_only_without_world_aggregates_and_breakdowns() -> None:
    data = read_trade_file(COMTRADE, "comtrade", 2022)
    assert data.places == [156, 276, 842]
    assert data.products == ["090111", "610910", "870323"]
    # The motCode 1000 row is a part of the motCode 0 total, not more trade.
    assert _value(data, 156, "090111") == 60000.0
    # A code written 90111 lost its leading zero.
    assert _value(data, 276, "090111") == 10000.0
    assert data.re_exports == 7000.0
    assert data.skipped == {"other_year": 1, "breakdown": 1, "re_export": 1, "other_flow": 1,
                            "aggregate_reporter": 1, "aggregate_partner": 3,
                            "aggregate_code": 3, "zero_value": 0}
    assert data.rows_used == 6
    # To China and Germany; the World row and 2021 left out.
    assert data.partners == [156, 276, 842]
    assert data.by_partner[data.places.index(842)].tolist() == [100000.0, 5000.0, 0.0]


def test_tradebase_format_exports_of_the_year_in_one_currency() -> None:
    data = read_trade_file(OWN, "tradebase", 2023)
    assert data.places == ["base:anxi", "base:dehua", "base:jinjiang"]
    assert data.products == ["090230", "090240", "640411", "691110"]
    assert data.currency == "CNY"
    assert _value(data, "base:anxi", "090230") == 2_000_000.0
    assert data.skipped["other_flow"] == 1
    assert data.skipped["re_export"] == 1
    assert data.skipped["other_year"] == 1


def test_mixed_currencies_are_refused_with_the_line(tmp_path: Path) -> None:
    file = tmp_path / "trade.csv"
    file.write_text("reporter,flow,hs,partner,year,month,value,currency,quantity,unit\n"
                    "anxi,export,090230,DE,2023,,100,CNY,,\n"
                    "anxi,export,090230,US,2023,,100,usd,,\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as refused:
        read_trade_file(file, "tradebase", 2023)
    [error] = refused.value.errors
    assert (error.line, error.column, error.code) == (3, "currency", "trade_file.mixed_currency")
    assert "USD here but CNY on line 2" in error.reason


def test_a_malformed_file_is_refused_with_its_rows_and_columns() -> None:
    with pytest.raises(ImportRejected) as refused:
        read_trade_file(FIXTURES / "BACI_HS17_Y2022_bad.csv", "baci", 2022)
    assert [(e.line, e.column) for e in refused.value.errors] == [(3, "v"), (4, None), (5, "i")]
    assert refused.value.errors[0].reason == "'abc' is not a number"
    assert "4 fields where the header has 6" not in str(refused.value.errors[1])
    assert str(refused.value.errors[1]) == "line 4: 5 fields where the header has 6"
    assert refused.value.rows_read == 4


@pytest.mark.parametrize(("source", "header", "row", "column", "code"), [
    ("baci", "t,i,j,k,v,q", "2022,4,8,1234567,1.0,NA", "k", "trade_file.bad_hs"),
    ("baci", "t,i,j,k,v,q", "2022,4,8,10121,-1.0,NA", "v", "trade_file.bad_value"),
    ("baci", "t,i,j,k,v,q", "2022,4,8,10121,inf,NA", "v", "trade_file.bad_value"),
    ("baci", "t,i,j,k,v,q", "20x2,4,8,10121,1.0,NA", "t", "trade_file.not_a_number"),
    ("comtrade", "refYear,reporterCode,flowCode,partnerCode,cmdCode,primaryValue",
     "2022,156,X,842,09AB,5", "cmdCode", "trade_file.bad_hs"),
    ("comtrade", "refYear,reporterCode,flowCode,partnerCode,cmdCode,primaryValue",
     "2022,156,X,842,01012199,5", "cmdCode", "trade_file.bad_hs"),
    ("tradebase", "reporter,flow,hs,partner,year,month,value,currency,quantity,unit",
     ",export,090230,DE,2022,,100,CNY,,", "reporter", "trade_file.empty"),
    ("tradebase", "reporter,flow,hs,partner,year,month,value,currency,quantity,unit",
     "anxi,exports,090230,DE,2022,,100,CNY,,", "flow", "trade_file.bad_flow"),
])
def test_bad_cells_are_named(tmp_path: Path, source: str, header: str, row: str, column: str,
                             code: str) -> None:
    file = tmp_path / "trade.csv"
    file.write_text(f"{header}\n{row}\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as refused:
        read_trade_file(file, source, 2022)
    assert [(e.line, e.column, e.code) for e in refused.value.errors] == [(2, column, code)]


def test_a_missing_column_is_refused_on_the_header(tmp_path: Path) -> None:
    file = tmp_path / "trade.csv"
    file.write_text("t,i,k,v\n2022,4,10121,1.0\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as refused:
        read_trade_file(file, "baci", 2022)
    assert [(e.line, e.column) for e in refused.value.errors] == [(1, "j")]


def test_a_year_without_exports_says_which_years_the_file_has() -> None:
    with pytest.raises(InvalidInput) as refused:
        read_trade_file(BACI, "baci", 2019)
    assert refused.value.code == "trade_file.no_exports"
    assert refused.value.params == {"year": 2019, "found": "2022"}


def test_chunks_give_the_same_arrays_and_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    whole = read_trade_file(COMTRADE, "comtrade", 2022)
    monkeypatch.setattr(trade_files, "CHUNK_ROWS", 2)
    chunked = read_trade_file(COMTRADE, "comtrade", 2022)
    assert (chunked.exports == whole.exports).all()
    assert (chunked.by_partner == whole.by_partner).all()
    assert chunked.skipped == whole.skipped
    with pytest.raises(ImportRejected) as refused:
        read_trade_file(FIXTURES / "BACI_HS17_Y2022_bad.csv", "baci", 2022)
    assert [e.line for e in refused.value.errors] == [3, 4, 5]


def test_gzipped_and_tab_separated_files(tmp_path: Path) -> None:
    file = tmp_path / "BACI_HS22_Y2023_V202501.csv.gz"
    with gzip.open(file, "wt", encoding="utf-8") as out:
        out.write("t\ti\tj\tk\tv\tq\n2023\t4\t8\t10121\t1.5\tNA\n\n2023\t8\t4\t20110\t2\t1\n")
    data = read_trade_file(file, "baci", 2023)
    assert data.hs_edition == "HS22"
    assert data.products == ["010121", "020110"]
    assert data.rows_used == 2


def test_a_file_that_is_not_text_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "trade.csv"
    file.write_bytes(b"\xff\xfe\x00\x81garbage\n\x00\x92")
    with pytest.raises(ImportRejected):
        read_trade_file(file, "baci", 2022)


def test_baci_read_by_numpy_or_cell_by_cell_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = read_trade_file(BACI, "baci", 2022)
    calls: list[int] = []
    original = trade_files._Reader.baci_fast

    def counted(self: trade_files._Reader, raw: list[str], delimiter: str) -> object:
        calls.append(len(raw))
        return original(self, raw, delimiter)

    monkeypatch.setattr(trade_files._Reader, "baci_fast", counted)
    assert read_trade_file(BACI, "baci", 2022).exports.tolist() == fast.exports.tolist()
    assert calls == [12]
    monkeypatch.setattr(trade_files._Reader, "baci_fast", lambda *_: None)
    slow = read_trade_file(BACI, "baci", 2022)
    assert slow.exports.tolist() == fast.exports.tolist()
    assert slow.by_partner.tolist() == fast.by_partner.tolist()
    assert (slow.places, slow.products, slow.rows_used) == (fast.places, fast.products, 12)


def test_a_short_baci_row_is_refused_even_when_numpy_could_read_it(tmp_path: Path) -> None:
    file = tmp_path / "trade.csv"
    file.write_text("t,i,j,k,v,q\n2022,4,8,10121,1.0,NA\n2022,4,8,10121,1.0\n",
                    encoding="utf-8")
    with pytest.raises(ImportRejected) as refused:
        read_trade_file(file, "baci", 2022)
    assert [(e.line, e.code) for e in refused.value.errors] == [(3, "trade_file.fields")]


def test_comtrade_csv_with_a_bom_and_its_classification(tmp_path: Path) -> None:
    file = tmp_path / "TradeData_2022.csv"
    file.write_text("\ufeffrefYear,reporterCode,flowCode,partnerCode,classificationCode,"
                    "cmdCode,cmdDesc,primaryValue\n"
                    '2022,156,X,842,H6,090111,"Coffee, not roasted",10.5\n'
                    '2022,842,X,156,H6,870323,"Cars, 1500-3000 cc",30\n', encoding="utf-8")
    data = read_trade_file(file, "comtrade", 2022)
    assert data.hs_edition == "HS22"
    assert data.places == [156, 842]
    assert data.exports.sum() == 40.5
    assert read_trade_file(file, "comtrade", 2022, hs_edition="HS17").hs_edition == "HS17"


def test_a_missing_comtrade_column_is_named_as_comtrade_writes_it(tmp_path: Path) -> None:
    file = tmp_path / "comtrade.csv"
    file.write_text("refYear,reporterCode,flowCode,cmdCode,primaryValue\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as refused:
        read_trade_file(file, "comtrade", 2022)
    [error] = refused.value.errors
    assert (error.line, error.column) == (1, "partnerCode")
    assert "has no column 'partnerCode'" in error.reason
