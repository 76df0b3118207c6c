"""What the competition pages say: the refusals of the competition services by their codes,
the categories with the criteria that apply to each (and their share of the total), and the
ranking of each category with every tie explained in the reader's language — what broke it,
or that nothing did — from the ranking's plain data (``events/ranking.py``), never from its
English reasons."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tradebase.events.competition_models import (
    CompetitionCategory,
    CompetitionCriterion,
    CompetitionEntry,
)
from tradebase.web.i18n import N_, localized
from tradebase.web.pages.messages import add_messages

add_messages({
    "competition.judging_closed": N_("Judging is %(status)s: entries, judges, criteria and "
                                     "scores no longer change."),
    "competition.judging_started": N_("Judging has started: entries no longer change."),
    "competition.deadline_passed": N_("Entries closed on %(deadline)s."),
    "competition.unknown_category": N_("Choose one of the competition's categories."),
    "competition.unknown_enterprise": N_("No enterprise has this id."),
    "competition.unknown_user": N_("No user has this e-mail address."),
    "competition.unknown_entry": N_("This entry is not one of the competition's."),
    "competition.unknown_criterion": N_("This criterion does not apply to the entry."),
    "competition.criterion_name": N_("A criterion needs a name in Chinese or English."),
    "competition.entry_title": N_("An entry needs a title."),
    "competition.person_name": N_("An entry by a person needs the person's name."),
    "competition.judge_exists": N_("This user is a judge of the competition already."),
    "competition.score_range": N_("A score on this criterion is at most %(max)s."),
    "competition.no_scores": N_("Give at least one score."),
    "competition.not_member": N_("You are not a member of this enterprise."),
    "competition.may_not_enter": N_("You may not enter this competition."),
    "competition.not_your_entry": N_("This entry is not yours to change."),
    "competition.not_assigned": N_("This entry is not assigned to you."),
    "competition.conflict.own_entry": N_("You submitted this entry: you may not score it."),
    "competition.conflict.own_enterprise": N_("It is an entry of your own enterprise: you "
                                              "may not score it."),
    "competition.conflict.declared_entry": N_("You declared a conflict of interest with this "
                                              "entry."),
    "competition.conflict.declared_enterprise": N_("You declared a conflict of interest with "
                                                   "its enterprise."),
    "competition.sealed": N_("Judging is open: the scores are sealed until the organisers "
                             "close it."),
    "competition.not_published": N_("The results are not published yet."),
    "competition.publish_state": N_("Judging is %(status)s: close it before publishing, once."),
})

JUDGING_STATUS = {
    "open": N_("Judging open"), "closed": N_("Judging closed"),
    "published": N_("Results published"),
}
CONFLICT_REASONS = {
    "own_entry": N_("submitted it"),
    "own_enterprise": N_("own enterprise"),
    "declared_entry": N_("declared conflict with the entry"),
    "declared_enterprise": N_("declared conflict with its enterprise"),
}
PERSON_ROLES = {"designer": N_("designer"), "pattern maker": N_("pattern maker")}

Gettext = Callable[[str], str]


@dataclass
class CategoryView:
    category: CompetitionCategory
    name: str
    criteria: list[tuple[CompetitionCriterion, str, float]]  # criterion, name, share in %
    ranked: list[dict[str, Any]] = field(default_factory=list)
    ties: list[str] = field(default_factory=list)
    incomplete: list[dict[str, Any]] = field(default_factory=list)


def criterion_name(criterion: CompetitionCriterion, lang: str) -> str:
    return localized(criterion, "name", lang)


def category_views(categories: Sequence[CompetitionCategory],
                   criteria: Sequence[CompetitionCriterion], lang: str) -> list[CategoryView]:
    """Each category with the criteria it is judged on and each one's share of the total."""
    views = []
    for category in categories:
        applying = [c for c in criteria if c.category_id in (None, category.id)]
        weight = sum(c.weight for c in applying) or 1.0
        views.append(CategoryView(category, localized(category, "name", lang), [
            (c, criterion_name(c, lang), round(100 * c.weight / weight, 1)) for c in applying]))
    return views


def entrant_label(entry: CompetitionEntry, gettext: Gettext, lang: str) -> str:
    """The entrant as shown: the enterprise by its name in ``lang``, or the person with its
    role in words."""
    if entry.kind != "person":
        return localized(entry.enterprise, "name", lang) if entry.enterprise else entry.entrant
    role = PERSON_ROLES.get(entry.person_role)
    said = gettext(role) if role else entry.person_role
    return f"{entry.person_name} ({said})" if said else entry.person_name


def _title(entry_id: int, entries: dict[int, CompetitionEntry], lang: str) -> str:
    """An entry's title in quotes of the reader's language."""
    title = entries[entry_id].title if entry_id in entries else f"#{entry_id}"
    return f"《{title}》" if lang == "zh" else f"“{title}”"


def _names(ids: Sequence[int], entries: dict[int, CompetitionEntry], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(_title(i, entries, lang) for i in ids)


def tie_sentence(tie: dict[str, Any], rank_of: dict[int, int], tie_break: str,
                 entries: dict[int, CompetitionEntry],
                 criteria: dict[int, CompetitionCriterion],
                 means: dict[int, dict[str, float]], gettext: Gettext, lang: str) -> str:
    """Why entries of equal total have the ranks they have, in the reader's language."""
    ids = [int(i) for i in tie["entry_ids"]]
    first = min(rank_of.get(i, 0) for i in ids)
    names, total = _names(ids, entries, lang), f"{float(tie['total']):.2f}"
    broken_by = tie.get("broken_by")
    if broken_by is None:
        if tie_break == "none":
            return gettext("%(entries)s have equal totals (%(total)s) and share rank %(rank)s: "
                           "no tie-break is set.") % {"entries": names, "total": total,
                                                      "rank": first}
        return gettext("%(entries)s have equal totals (%(total)s) and equal means on every "
                       "criterion: they share rank %(rank)s.") % {
                           "entries": names, "total": total, "rank": first}
    criterion = criteria.get(int(broken_by))
    name = criterion_name(criterion, lang) if criterion is not None else f"#{broken_by}"
    weight = f"{criterion.weight:g}" if criterion is not None else "?"
    detail = ("，" if lang == "zh" else ", ").join(
        f"{_title(i, entries, lang)} {means.get(i, {}).get(str(broken_by), 0):g}"
        for i in sorted(ids, key=lambda i: rank_of.get(i, 0)))
    said = gettext("%(entries)s have equal totals (%(total)s): the tie is broken by the higher "
                   "mean on the heaviest criterion that differs, %(criterion)s (weight "
                   "%(weight)s): %(detail)s.") % {"entries": names, "total": total,
                                                  "criterion": name, "weight": weight,
                                                  "detail": detail}
    shared = [[i for i in ids if rank_of.get(i) == r] for r in sorted({rank_of.get(i, 0)
                                                                        for i in ids})]
    for group in shared:
        if len(group) > 1:
            said += " " + gettext("%(entries)s are equal on every criterion too and share "
                                  "rank %(rank)s.") % {"entries": _names(group, entries, lang),
                                                       "rank": rank_of.get(group[0], 0)}
    return said


def with_results(views: list[CategoryView], ranking: Sequence[dict[str, Any]], tie_break: str,
                 entries: Sequence[CompetitionEntry],
                 criteria: Sequence[CompetitionCriterion], gettext: Gettext, lang: str
                 ) -> list[CategoryView]:
    """The views with each category's ranking, ties explained and unranked entries."""
    by_entry = {e.id: e for e in entries}
    by_criterion = {c.id: c for c in criteria}
    found = {int(c["category_id"]): c for c in ranking}
    for view in views:
        result = found.get(view.category.id)
        if result is None:
            continue
        rank_of = {int(r["entry_id"]): int(r["rank"]) for r in result["ranked"]}
        means = {int(r["entry_id"]): r["criteria"] for r in result["ranked"]}
        shared = [r["rank"] for r in result["ranked"]]
        view.ranked = [{"rank": r["rank"], "entry": by_entry.get(int(r["entry_id"])),
                        "total": r["total"], "means": r["criteria"],
                        "tied": shared.count(r["rank"]) > 1} for r in result["ranked"]]
        view.ties = [tie_sentence(t, rank_of, tie_break, by_entry, by_criterion, means,
                                  gettext, lang) for t in result["ties"]]
        view.incomplete = [{"entry": by_entry.get(int(i["entry_id"])),
                            "missing": len(i["missing"])} for i in result["incomplete"]]
    return views


__all__ = ["CONFLICT_REASONS", "JUDGING_STATUS", "PERSON_ROLES", "CategoryView",
           "category_views", "criterion_name", "entrant_label", "tie_sentence", "with_results"]
