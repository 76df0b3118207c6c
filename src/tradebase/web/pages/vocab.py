"""Labels of the register's closed vocabularies, marked for translation."""

from __future__ import annotations

from tradebase.web.i18n import N_

SIZE_LABELS = {
    "micro": N_("Micro"),
    "small": N_("Small"),
    "medium": N_("Medium"),
    "large": N_("Large"),
}
DESIGNATION_LEVELS = {
    "national": N_("National"),
    "provincial": N_("Provincial"),
    "municipal": N_("Municipal"),
}
REGION_LEVELS = {
    "province": N_("Province"),
    "city": N_("City"),
    "county": N_("County"),
}
