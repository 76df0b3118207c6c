"""The documented list of indicator metrics.

Every indicator fact names one of these metrics. ``kind`` says how its value is stored and shown:
``money`` values carry a currency (ISO 4217) and no unit; the others carry a unit and no currency.
Percentages are plain numbers (90 means 90 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MetricKind(StrEnum):
    MONEY = "money"
    COUNT = "count"
    PERCENT = "percent"
    QUANTITY = "quantity"
    RANK = "rank"


@dataclass(frozen=True)
class Metric:
    name: str
    kind: MetricKind
    label_en: str
    label_zh: str
    default_unit: str | None = None


_METRICS = [
    Metric("enterprises", MetricKind.COUNT, "Enterprises", "企业数", "enterprises"),
    Metric("employees", MetricKind.COUNT, "Employees", "从业人员", "persons"),
    Metric("output_value", MetricKind.MONEY, "Output value", "产值"),
    Metric("export_value", MetricKind.MONEY, "Exports", "出口额"),
    Metric("import_value", MetricKind.MONEY, "Imports", "进口额"),
    Metric("import_export_value", MetricKind.MONEY, "Import and export", "进出口额"),
    Metric("destination_countries", MetricKind.COUNT, "Destination countries and regions",
           "出口国家和地区", "countries"),
    Metric("market_share", MetricKind.PERCENT, "Market share", "市场份额", "%"),
    Metric("growth_rate", MetricKind.PERCENT, "Growth rate", "增长率", "%"),
    Metric("national_rank", MetricKind.RANK, "National rank", "全国排名", "rank"),
    Metric("years_of_history", MetricKind.QUANTITY, "Years of history", "发展历史", "years"),
    Metric("industrial_clusters", MetricKind.COUNT, "Industrial clusters", "产业集群", "clusters"),
    Metric("colleges", MetricKind.COUNT, "Colleges", "院校", "colleges"),
    Metric("professional_markets", MetricKind.COUNT, "Professional markets", "专业市场",
           "markets"),
    Metric("national_textile_towns", MetricKind.COUNT, "National textile industry cities and towns",
           "全国纺织产业名城名镇", "regions"),
    Metric("exporter_coverage_share", MetricKind.PERCENT, "Share of exporters covered",
           "覆盖出口企业比例", "%"),
    Metric("processing_enterprise_share", MetricKind.PERCENT, "Share of processing manufacturers",
           "加工制造企业占比", "%"),
    Metric("high_quality_enterprises", MetricKind.COUNT, "High-quality manufacturing enterprises",
           "优质制造企业", "enterprises"),
    Metric("product_categories", MetricKind.COUNT, "Product categories", "产品门类", "categories"),
    Metric("key_enterprises", MetricKind.COUNT, "Key enterprises listed", "重点企业",
           "enterprises"),
    Metric("key_projects", MetricKind.COUNT, "Key projects listed", "重点项目", "projects"),
    Metric("cities_shown", MetricKind.COUNT, "Cities shown in", "展出城市", "cities"),
    Metric("visitors", MetricKind.COUNT, "Visitors", "观众人次", "persons"),
    Metric("planned_festivals", MetricKind.COUNT, "Festivals planned", "计划举办灯会", "festivals"),
    Metric("industrial_park_area", MetricKind.QUANTITY, "Industrial park area", "产业园面积",
           "hectares"),
    Metric("world_rank", MetricKind.RANK, "World rank", "全球排名", "rank"),
    Metric("hundred_billion_clusters", MetricKind.COUNT, "Clusters of 100 billion yuan",
           "千亿产业集群", "clusters"),
    Metric("province_hundred_billion_clusters", MetricKind.COUNT,
           "Clusters of 100 billion yuan in the province", "全省千亿产业集群", "clusters"),
    Metric("designation_batch_size", MetricKind.COUNT, "Bases designated in the same batch",
           "同批认定基地数", "bases"),
    Metric("planned_festival_cities", MetricKind.COUNT, "Foreign cities planned for festivals",
           "计划举办灯会的海外城市", "cities"),
    Metric("docking_intention_companies", MetricKind.COUNT,
           "Companies with cooperation intentions", "达成合作意向企业", "companies"),
    Metric("docking_intention_quantity", MetricKind.QUANTITY, "Quantity under intentions",
           "意向订单数量", "pairs"),
    Metric("docking_intention_value", MetricKind.MONEY, "Value of intentions", "意向订单金额"),
]

METRICS: dict[str, Metric] = {metric.name: metric for metric in _METRICS}


def get_metric(name: str) -> Metric | None:
    """The metric called ``name``, or None when it is not in the documented list."""
    return METRICS.get(name)
