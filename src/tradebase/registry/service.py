"""The register's service functions under one name: ``registry.service.create_enterprise``
and the like, as the web, the CLI, the imports and the tests call them. Each takes
``session`` keyword-only and never commits: the caller (web request, CLI command, job) owns
the transaction.

They live by job: ``records`` (list filters and pages, the search box, one object by id, the
flush that turns a clash into an error), ``reference`` (HS nomenclature, regions, industries),
``bases`` (bases, designations, key lists), ``enterprises`` and ``products``.
"""

from __future__ import annotations

from tradebase.registry.bases import (
    create_base,
    create_designation,
    delete_base,
    delete_designation,
    get_base,
    get_base_by_key,
    get_designation,
    list_bases,
    list_designations,
    list_key_enterprises,
    list_key_projects,
    update_base,
    update_designation,
)
from tradebase.registry.enterprises import (
    check_can_create_enterprise,
    check_can_edit_enterprise,
    create_enterprise,
    delete_enterprise,
    find_enterprise_by_name,
    get_enterprise,
    list_enterprises,
    update_enterprise,
)
from tradebase.registry.products import (
    create_product,
    delete_product,
    get_product,
    get_product_by_sku,
    list_products,
    update_product,
)
from tradebase.registry.records import ListFilters, search_patterns, search_terms
from tradebase.registry.reference import (
    HS_DIR,
    get_hs_code,
    get_industry,
    get_region,
    hs_descriptions,
    list_hs_codes,
    list_industries,
    list_regions,
    load_hs_codes,
    region_and_descendants,
    resolve_industry,
    resolve_region,
)

__all__ = [
    "HS_DIR", "ListFilters", "check_can_create_enterprise", "check_can_edit_enterprise",
    "create_base", "create_designation", "create_enterprise", "create_product", "delete_base",
    "delete_designation", "delete_enterprise", "delete_product", "find_enterprise_by_name",
    "get_base", "get_base_by_key", "get_designation", "get_enterprise", "get_hs_code",
    "get_industry", "get_product", "get_product_by_sku", "get_region", "hs_descriptions",
    "list_bases", "list_designations", "list_enterprises", "list_hs_codes", "list_industries",
    "list_key_enterprises", "list_key_projects", "list_products", "list_regions",
    "load_hs_codes", "region_and_descendants", "resolve_industry", "resolve_region",
    "search_patterns", "search_terms", "update_base", "update_designation",
    "update_enterprise", "update_product",
]
