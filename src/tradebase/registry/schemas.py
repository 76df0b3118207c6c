"""Pydantic models of what goes in and out of the register (API, importers, demo loader)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    computed_field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from tradebase.figures.certifications import split_certifications, split_list
from tradebase.registry.enums import DesignationLevel, EnterpriseSize, Qualifier, RegionLevel
from tradebase.registry.hs_codes import HsCodeError, read_edition, read_hs
from tradebase.registry.hs_names import chinese_names
from tradebase.registry.metrics import METRICS, MetricKind

T = TypeVar("T")

SKU_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,79}$")
LANG_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def _country(code: str) -> str:
    code = code.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise PydanticCustomError(
            "country_code", "'{code}' is not an ISO 3166 alpha-2 country code",
            {"code": code[:20]})
    return code


def _currency(code: str) -> str:
    code = code.strip().upper()
    if pycountry.currencies.get(alpha_3=code) is None:
        raise PydanticCustomError("currency_code", "'{code}' is not an ISO 4217 currency code",
                                  {"code": code[:20]})
    return code


def _hs_written(code: str, info: ValidationInfo) -> str:
    """An HS code as a catalog writes it, kept as written once ``read_hs`` can read it (as the
    ``hs_edition`` given beside it, validated before it)."""
    try:
        return read_hs(code, info.data.get("hs_edition")).written
    except HsCodeError as exc:
        raise PydanticCustomError(exc.code, exc.template, exc.params) from None


def _hs_edition(value: Any) -> Any:
    if isinstance(value, str | int) and not isinstance(value, bool):
        try:
            return read_edition(value)
        except HsCodeError as exc:
            raise PydanticCustomError(exc.code, exc.template, exc.params) from None
    return value


def _split_list(value: Any) -> Any:
    """Lists may arrive as "SE;DE", "SE, DE" or "瑞典、德国" from files and forms."""
    if isinstance(value, str):
        return split_list(value)
    return value


def _split_certifications(value: Any) -> Any:
    """Certifications may arrive as "FSC;ISO9001", "FSC，BSCI" or "FSC BSCI"."""
    if isinstance(value, str):
        return split_certifications(value)
    return value


def _certification(code: str) -> str:
    code = code.strip()
    if not code or len(code) > 40:
        raise PydanticCustomError("certification_form",
                                  "a certification is a short code such as FSC or ISO9001")
    return code


MAX_INT = 2_147_483_647  # the databases' INTEGER; larger numbers are refused, not overflowed
DbId = Annotated[int, Field(ge=1, le=MAX_INT)]
Count = Annotated[int, Field(ge=0, le=MAX_INT)]
CountryCode = Annotated[str, AfterValidator(_country)]
CurrencyCode = Annotated[str, AfterValidator(_currency)]
HsCodeWritten = Annotated[str, AfterValidator(_hs_written)]
HsEdition = Annotated[Literal[2022, 2017, 2012] | None, BeforeValidator(_hs_edition),
                      Field(description="HS edition of hs_code (2022, 2017 or 2012); by "
                                        "default HS 2022, then the older editions")]
Certification = Annotated[str, AfterValidator(_certification)]
CountryList = Annotated[list[CountryCode], BeforeValidator(_split_list)]
CertificationList = Annotated[list[Certification], BeforeValidator(_split_certifications)]
Name = Annotated[str, Field(max_length=200)]


def _unique(items: list[str]) -> list[str]:
    return sorted(set(items))


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="forbid", str_strip_whitespace=True)

class CertificateIn(BaseModel):
    """A certification with what makes it checkable: issuer, number and validity dates."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    code: Certification
    issuer: Annotated[str, Field(max_length=200)] = ""
    number: Annotated[str, Field(max_length=100)] = ""
    valid_from: date | None = None
    valid_until: date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> CertificateIn:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError("valid_until must not be before valid_from")
        return self


class CertificateOut(CertificateIn):
    model_config = ConfigDict(from_attributes=True, extra="ignore")
    has_file: bool = False
    valid_today: bool = True


def _certificates_out(rows: Any) -> Any:
    """Certification rows as read by a response: with whether they are valid today."""
    if isinstance(rows, list) and rows and not isinstance(rows[0], dict | BaseModel):
        today = datetime.now(UTC).date()
        return [CertificateOut(code=row.code, issuer=row.issuer, number=row.number,
                               valid_from=row.valid_from, valid_until=row.valid_until,
                               has_file=bool(row.file_key), valid_today=row.is_valid_on(today))
                for row in rows]
    return rows


CertificatesIn = list[CertificateIn]
CertificatesOut = Annotated[list[CertificateOut], BeforeValidator(_certificates_out)]



# --- regions, industries, HS -------------------------------------------------------------


class RegionOut(Schema):
    id: int
    code: str | None
    name_zh: str
    name_en: str
    level: RegionLevel
    parent_id: int | None


class IndustryOut(Schema):
    id: int
    key: str
    name_zh: str
    name_en: str


class HsCodeOut(Schema):
    code: str
    level: int
    description: str
    parent_code: str | None
    section: str

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented use on a property
    @property
    def description_zh(self) -> str | None:
        """The Chinese name the project has written (``hs/hs-names-zh.csv``); None until one is."""
        found = chinese_names().get(self.code)
        return found.name if found else None


# --- designations and bases ---------------------------------------------------------------


class DesignationIn(Schema):
    kind: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)]
    title_en: Annotated[str, Field(min_length=1, max_length=200)]
    title_zh: Annotated[str, Field(max_length=200)] = ""
    level: DesignationLevel
    issuing_body_zh: Annotated[str, Field(max_length=200)] = ""
    issuing_body_en: Annotated[str, Field(max_length=200)] = ""
    year: Annotated[int, Field(ge=1949, le=2100)] | None = None


class DesignationCreate(DesignationIn):
    base_id: DbId


class DesignationUpdate(Schema):
    kind: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)] | None = None
    title_en: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    title_zh: Annotated[str, Field(max_length=200)] | None = None
    level: DesignationLevel | None = None
    issuing_body_zh: Annotated[str, Field(max_length=200)] | None = None
    issuing_body_en: Annotated[str, Field(max_length=200)] | None = None
    year: Annotated[int, Field(ge=1949, le=2100)] | None = None


class DesignationOut(DesignationIn):
    id: int
    base_id: DbId
    version: int = Field(description="Changes committed so far; send it back as If-Match")


class BaseCreate(Schema):
    name_zh: Name = ""
    name_en: Name = ""
    key: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=60)] | None = None
    industry_id: DbId | None = None
    region_ids: Annotated[list[DbId], Field(min_length=1, max_length=50)]
    description_zh: str = ""
    description_en: str = ""

    @model_validator(mode="after")
    def _named(self) -> BaseCreate:
        if not (self.name_zh or self.name_en):
            raise PydanticCustomError("name_required", "a base needs a name in Chinese or English")
        return self


class BaseUpdate(Schema):
    name_zh: Name | None = None
    name_en: Name | None = None
    key: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=60)] | None = None
    industry_id: DbId | None = None
    region_ids: Annotated[list[DbId], Field(min_length=1, max_length=50)] | None = None
    description_zh: str | None = None
    description_en: str | None = None


class BaseOut(Schema):
    id: int
    key: str | None
    name_zh: str
    name_en: str
    industry_id: int | None
    industry: IndustryOut | None
    regions: list[RegionOut]
    description_zh: str
    description_en: str
    designations: list[DesignationOut]
    version: int = Field(description="Changes committed so far; send it back as If-Match")


# --- enterprises ----------------------------------------------------------------------------


class EnterpriseFields(Schema):
    name_zh: Name = ""
    name_en: Name = ""
    base_id: DbId | None = None
    region_id: DbId | None = None
    size: EnterpriseSize | None = None
    employees: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    founded: Annotated[int, Field(ge=1800, le=2100)] | None = None
    certifications: CertificationList = Field(default_factory=list)
    certificates: CertificatesIn | None = Field(
        default=None, description="Certifications with issuer, number and dates; when given, "
                                  "they replace `certifications`")
    markets: CountryList = Field(default_factory=list)
    contact_name: Annotated[str, Field(max_length=100)] = ""
    contact_email: Annotated[str, Field(max_length=200)] = ""
    contact_phone: Annotated[str, Field(max_length=50)] = ""
    website: Annotated[str, Field(max_length=300)] = ""
    description_zh: str = ""
    description_en: str = ""
    is_sample: bool = False

    @field_validator("founded")
    @classmethod
    def _founded_not_future(cls, value: int | None) -> int | None:
        if value is not None and value > datetime.now(UTC).year:
            raise PydanticCustomError("founded_future", "founded cannot be in the future")
        return value

    @field_validator("contact_email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise PydanticCustomError("email_form", "not an e-mail address")
        return value

    @field_validator("certifications", "markets")
    @classmethod
    def _dedupe(cls, value: list[str]) -> list[str]:
        return _unique(value)


class EnterpriseCreate(EnterpriseFields):
    @model_validator(mode="after")
    def _named(self) -> EnterpriseCreate:
        if not (self.name_zh or self.name_en):
            raise PydanticCustomError("name_required",
                                      "an enterprise needs a name in Chinese or English")
        return self


class EnterpriseUpdate(Schema):
    """A partial update: only the fields present are changed."""

    name_zh: Name | None = None
    name_en: Name | None = None
    base_id: DbId | None = None
    region_id: DbId | None = None
    size: EnterpriseSize | None = None
    employees: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    founded: Annotated[int, Field(ge=1800, le=2100)] | None = None
    certifications: CertificationList | None = None
    certificates: CertificatesIn | None = None
    markets: CountryList | None = None
    contact_name: Annotated[str, Field(max_length=100)] | None = None
    contact_email: Annotated[str, Field(max_length=200)] | None = None
    contact_phone: Annotated[str, Field(max_length=50)] | None = None
    website: Annotated[str, Field(max_length=300)] | None = None
    description_zh: str | None = None
    description_en: str | None = None
    is_sample: bool | None = None


class EnterpriseOut(EnterpriseFields):
    id: int
    certificates: CertificatesOut = Field(  # type: ignore[assignment]
        default_factory=list, validation_alias="certification_rows")
    version: int = Field(description="Changes committed so far; send it back as If-Match")
    model_config = ConfigDict(from_attributes=True, extra="ignore")


# --- products --------------------------------------------------------------------------------


def _titles(value: dict[str, str]) -> dict[str, str]:
    for lang in value:
        if not LANG_PATTERN.fullmatch(lang):
            raise PydanticCustomError(
                "language_tag", "'{lang}' is not a language tag such as zh or de",
                {"lang": lang[:20]})
    return {lang: text.strip() for lang, text in value.items() if text and text.strip()}


Titles = Annotated[dict[str, Annotated[str, Field(max_length=300)]], AfterValidator(_titles)]


Price = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]


def check_price_range(low: float | None, high: float | None, currency: str | None) -> None:
    """A unit price range needs its currency, and its low end must not be above its high
    end; raises ValueError naming the field."""
    if low is not None and high is not None and high < low:
        raise PydanticCustomError(
            "price_range", "price_max: the highest price must not be below the lowest",
            {"field": "price_max"})
    if (low is not None or high is not None) and not currency:
        raise PydanticCustomError(
            "price_currency_needed", "price_currency: give the currency of the price range",
            {"field": "price_currency"})


class ProductFields(Schema):
    sku: Annotated[str, Field(pattern=SKU_PATTERN.pattern)]
    enterprise_id: DbId
    title: Annotated[str, Field(min_length=1, max_length=300)]
    titles: Titles = Field(default_factory=dict)
    description: str = ""
    hs_edition: HsEdition = None
    hs_code: Annotated[HsCodeWritten | None, Field(
        description="As written: 6 digits, or a national code of 8 or 10, with or without "
                    "dots, spaces or dashes; HS 2022, 2017 or 2012")] = None
    unit: Annotated[str, Field(min_length=1, max_length=20)] = "pcs"
    moq: Annotated[int, Field(ge=1, le=MAX_INT)] | None = None
    monthly_capacity: Count | None = None
    lead_time_days: Annotated[int, Field(ge=0, le=3650)] | None = None
    price_min: Price | None = None
    price_max: Price | None = None
    price_currency: CurrencyCode | None = None
    certifications: CertificationList = Field(default_factory=list)
    certificates: CertificatesIn | None = Field(
        default=None, description="Certifications with issuer, number and dates; when given, "
                                  "they replace `certifications`")
    is_sample: bool = False

    @field_validator("certifications")
    @classmethod
    def _dedupe(cls, value: list[str]) -> list[str]:
        return _unique(value)

    @model_validator(mode="after")
    def _price_range(self) -> ProductFields:
        check_price_range(self.price_min, self.price_max, self.price_currency)
        return self

    def columns(self) -> dict[str, Any]:
        """The values of the ``products`` columns (the lists aside): the HS code as written,
        the edition it was read as and the HS 2022 code it is matched on."""
        values = self.model_dump(exclude={"titles", "certifications", "certificates",
                                          "hs_code", "hs_edition"})
        return values | hs_columns(self.hs_code, self.hs_edition)


def hs_columns(written: str | None, edition: int | None) -> dict[str, Any]:
    """The stored HS columns of a listing whose code is ``written`` (a code already checked
    by the schemas, so it can be read)."""
    if not written:
        return {"hs_code": None, "hs_code_written": None, "hs_edition": None,
                "hs_candidates": []}
    reading = read_hs(written, edition)
    return {"hs_code": reading.hs2022, "hs_code_written": reading.written,
            "hs_edition": reading.edition, "hs_candidates": list(reading.candidates)}


class ProductCreate(ProductFields):
    pass


class ProductUpdate(Schema):
    sku: Annotated[str, Field(pattern=SKU_PATTERN.pattern)] | None = None
    enterprise_id: DbId | None = None
    title: Annotated[str, Field(min_length=1, max_length=300)] | None = None
    titles: Titles | None = None
    description: str | None = None
    hs_edition: HsEdition = None
    hs_code: HsCodeWritten | None = None
    unit: Annotated[str, Field(min_length=1, max_length=20)] | None = None
    moq: Annotated[int, Field(ge=1, le=MAX_INT)] | None = None
    monthly_capacity: Count | None = None
    lead_time_days: Annotated[int, Field(ge=0, le=3650)] | None = None
    price_min: Price | None = None
    price_max: Price | None = None
    price_currency: CurrencyCode | None = None
    certifications: CertificationList | None = None
    certificates: CertificatesIn | None = None
    is_sample: bool | None = None


class PhotoOut(BaseModel):
    """A photo of a listing: where to fetch it and its thumbnail, and its size in pixels."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    url: str
    thumb_url: str
    content_type: str
    width: int
    height: int
    position: int


def photo_out(row: Any) -> PhotoOut:
    base = f"/products/{row.product_id}/photos/{row.id}"
    return PhotoOut(id=row.id, url=base, thumb_url=f"{base}/thumb", content_type=row.content_type,
                    width=row.width, height=row.height, position=row.position)


def _photos_out(rows: Any) -> Any:
    if isinstance(rows, list) and rows and not isinstance(rows[0], dict | BaseModel):
        return [photo_out(row) for row in rows]
    return rows


class ProductOut(ProductFields):
    id: int
    hs_code: str | None = Field(
        default=None, description="The HS 2022 code the listing is matched on: six digits, a "
        "four-digit heading (an older code split within it: confirm the subheading) or null")
    hs_code_written: str | None = Field(default=None, description="The HS code as written")
    hs_edition: int | None = Field(  # type: ignore[assignment]
        default=None, description="The HS edition hs_code_written was read as")
    hs_candidates: list[str] = Field(
        default_factory=list, description="HS 2022 subheadings an older code was split into")
    certificates: CertificatesOut = Field(  # type: ignore[assignment]
        default_factory=list, validation_alias="certification_rows")
    enterprise_name: str = ""
    photos: Annotated[list[PhotoOut], BeforeValidator(_photos_out)] = Field(default_factory=list)
    version: int = Field(description="Changes committed so far; send it back as If-Match")
    model_config = ConfigDict(from_attributes=True, extra="ignore")

    @model_validator(mode="after")
    def _price_range(self) -> ProductOut:  # what is stored is shown as it is
        return self


# --- indicators ------------------------------------------------------------------------------


SOURCE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$"
_Date = date  # ``Source.date`` is a field name; the type keeps its own name here


def _source_url(url: str) -> str:
    """A source's address: empty (none known) or a web address, never a ``javascript:``."""
    if url and not re.match(r"^https?://[^\s]+$", url, re.IGNORECASE):
        raise ValueError(f"'{url[:60]}' is not a web address (http:// or https://)")
    return url


def _source_language(tag: str) -> str:
    if tag and not LANG_PATTERN.fullmatch(tag):
        raise ValueError(f"'{tag[:20]}' is not a language tag such as zh, en or sv")
    return tag


class Source(Schema):
    """Where a figure was published, and the sentence it was read from (``quote``, in the
    source's language). Empty fields are what the publication does not say.

    In: ``id`` cites a stored source (``GET /api/v1/sources``); without it, the title, URL,
    publisher, date and language name one, created if there is none (see
    ``registry/sources.py``). Out: the cited source's fields, and its ``id``."""

    id: Annotated[str, Field(pattern=SOURCE_ID_PATTERN)] | None = None
    title: Annotated[str, Field(max_length=300)] = ""
    url: Annotated[str, Field(max_length=500), AfterValidator(_source_url)] = ""
    quote: Annotated[str, Field(max_length=20_000)] = ""
    publisher: Annotated[str, Field(max_length=200)] = ""
    date: _Date | None = Field(default=None, description="The date it was published")
    language: Annotated[str, Field(max_length=12), AfterValidator(_source_language)] = Field(
        default="", description="BCP 47 tag of the publication's language (its quotes')")

    @property
    def names_a_source(self) -> bool:
        return bool(self.id or self.title or self.url or self.publisher or self.date
                    or self.language)


class SourceOut(Schema):
    """A publication that figures are cited to, as the API lists it."""

    id: str
    title: str
    publisher: str
    date: _Date | None
    language: str
    url: str
    facts: int = Field(default=0, description="Indicator facts citing it")


class IndicatorFields(Schema):
    base_id: DbId | None = None
    enterprise_id: DbId | None = None
    metric: str
    value: Annotated[float, Field(allow_inf_nan=False, ge=-1e18, le=1e18)]
    currency: CurrencyCode | None = None
    unit: Annotated[str, Field(min_length=1, max_length=30)] | None = None
    year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    month: Annotated[int, Field(ge=1, le=12)] | None = None
    qualifier: Qualifier | None = None
    source: Source = Field(default_factory=Source)
    note: str = ""
    is_sample: bool = False


def check_indicator(fact: IndicatorFields) -> None:
    """The cross-field rules of an indicator fact; raises ValueError naming the field."""
    if (fact.base_id is None) == (fact.enterprise_id is None):
        raise ValueError("base_id: give exactly one subject, base_id or enterprise_id")
    metric = METRICS.get(fact.metric)
    if metric is None:
        raise ValueError(
            f"metric: '{fact.metric}' is not a documented metric (see docs/indicators.md)"
        )
    if (fact.currency is None) == (fact.unit is None):
        raise ValueError("currency: give either a currency (money) or a unit, not both")
    if metric.kind is MetricKind.MONEY and fact.currency is None:
        raise ValueError(f"currency: {fact.metric} is money and needs a currency such as CNY")
    if metric.kind is not MetricKind.MONEY and fact.currency is not None:
        raise ValueError(f"currency: {fact.metric} is not money; give a unit instead")
    if metric.kind is MetricKind.PERCENT and fact.unit != "%":
        raise ValueError(f"unit: {fact.metric} is a percentage; its unit is '%'")
    if fact.month is not None and fact.year is None:
        raise ValueError("year: a month needs a year")


class IndicatorCreate(IndicatorFields):
    @model_validator(mode="after")
    def _consistent(self) -> IndicatorCreate:
        check_indicator(self)
        return self


class IndicatorUpdate(Schema):
    metric: str | None = None
    value: Annotated[float, Field(allow_inf_nan=False, ge=-1e18, le=1e18)] | None = None
    currency: CurrencyCode | None = None
    unit: Annotated[str, Field(min_length=1, max_length=30)] | None = None
    year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    month: Annotated[int, Field(ge=1, le=12)] | None = None
    qualifier: Qualifier | None = None
    source: Source | None = None
    note: str | None = None
    is_sample: bool | None = None


class IndicatorOut(IndicatorFields):
    id: int
    subject_type: str
    model_config = ConfigDict(from_attributes=True, extra="ignore")


class IndicatorRead(IndicatorOut):
    """A fact as the API shows it: with its version (``IndicatorOut`` is also the shape that
    imports and updates merge into, which has no version)."""

    version: int = Field(description="Changes committed so far; send it back as If-Match")


# --- key lists -------------------------------------------------------------------------------


class KeyListEntryIn(Schema):
    """An entry of a base's key-enterprise or key-project list, as a file gives it."""

    name_zh: Annotated[str, Field(max_length=200)] = ""
    name_en: Annotated[str, Field(max_length=200)] = ""
    list_title_zh: Annotated[str, Field(max_length=200)] = ""
    list_title_en: Annotated[str, Field(max_length=200)] = ""
    listed_by: Annotated[str, Field(max_length=200)] = ""
    year: Annotated[int, Field(ge=1949, le=2100)] | None = None

    @model_validator(mode="after")
    def _named(self) -> KeyListEntryIn:
        # "column: reason", with a code the pages say in their language
        if not (self.name_zh or self.name_en):
            raise PydanticCustomError("entry_name_missing",
                                      "name_en: give the name in Chinese or English")
        if not (self.list_title_zh or self.list_title_en):
            raise PydanticCustomError(
                "entry_list_title_missing",
                "list_title_en: give the list's title in Chinese or English")
        return self


class KeyEnterpriseIn(KeyListEntryIn):
    enterprise_id: DbId | None = None


class KeyProjectIn(KeyListEntryIn):
    description_en: Annotated[str, Field(max_length=5000)] = ""


class RegionIn(Schema):
    code: Annotated[str, Field(min_length=1, max_length=12,
                               pattern=r"^[0-9A-Za-z]+$")] | None = None
    name_zh: Annotated[str, Field(min_length=1, max_length=100)]
    name_en: Annotated[str, Field(min_length=1, max_length=100)]
    level: RegionLevel
    parent_id: int | None = None


class KeyEnterpriseOut(Schema):
    id: int
    base_id: DbId
    enterprise_id: int | None
    name_zh: str
    name_en: str
    list_title_zh: str
    list_title_en: str
    listed_by: str
    year: int | None
    version: int = Field(description="Changes committed so far; send it back as If-Match")


class KeyProjectOut(Schema):
    id: int
    base_id: DbId
    name_zh: str
    name_en: str
    list_title_zh: str
    list_title_en: str
    listed_by: str
    year: int | None
    description_en: str
    version: int = Field(description="Changes committed so far; send it back as If-Match")


class Page(BaseModel, Generic[T]):
    """A page of a list: ``{"items": [...], "total": N}``."""

    items: list[T]
    total: int
    limit: int
    offset: int
