# ruff: noqa: E501, S311
"""Build evaluation set 2: listings.csv, requests.csv, qrels.csv (standard library only).

Run from the worktree root: ``python -m eval.set2.build_set2``. Deterministic (SEED).
Random numbers here pick test data, not secrets (hence S311 off).
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass
from pathlib import Path

from eval.set2.spec_listings import CATS, CLUSTERS, Cat, Variant
from eval.set2.spec_requests import REQUESTS, Req

SEED = 20261202
OUT = Path(__file__).resolve().parent

SYLLABLES: tuple[tuple[str, str], ...] = (
    ("Heng", "恒"), ("Xin", "鑫"), ("Jia", "佳"), ("Rui", "瑞"), ("Hao", "豪"), ("Tai", "泰"),
    ("Sheng", "盛"), ("Long", "隆"), ("Feng", "丰"), ("Mei", "美"), ("Hua", "华"), ("Yi", "艺"),
    ("Kang", "康"), ("Bo", "博"), ("Jin", "金"), ("Run", "润"), ("Da", "达"), ("Cheng", "诚"),
    ("Yuan", "源"), ("Fu", "福"), ("Ming", "明"), ("Li", "力"), ("An", "安"), ("De", "德"),
    ("Hong", "宏"), ("Tian", "天"), ("Xiang", "祥"), ("Yong", "永"), ("Zhi", "智"), ("Chuang", "创"),
    ("Yu", "宇"), ("Tong", "通"), ("Lian", "联"), ("Wei", "威"), ("Sen", "森"), ("Kai", "凯"),
    ("Le", "乐"), ("Shun", "顺"), ("Hui", "汇"), ("Ya", "雅"), ("Nuo", "诺"), ("Xu", "旭"),
)
SUFFIX_EN = ("Co., Ltd.", "Co., Ltd.", "Industry Co., Ltd.", "Import & Export Co., Ltd.", "Manufacturing Co., Ltd.", "Industrial & Trading Co., Ltd.")
MARKETS = ("US", "DE", "GB", "FR", "ES", "IT", "NL", "SE", "PL", "JP", "KR", "AU", "CA", "AE", "SA", "BR", "MX", "CL", "RU", "TH", "VN", "MY", "IN", "ZA", "NG", "NO", "DK", "FI", "BE", "CH", "AT", "PT", "CZ", "TR", "IL", "PH", "ID")
HOT_EN = ("Hot Sale", "Hot Selling 2024", "2025 New", "New Arrival", "Best Seller", "Factory Price", "Wholesale", "Top Quality", "Amazon Hot", "Cheap", "Premium", "High Quality", "Bulk", "Trending")
HOT_ZH = ("厂家直销", "批发定制", "跨境专供", "外贸爆款", "支持OEM", "源头工厂", "现货批发", "新款")
UNIT_ZH = {"pcs": "件", "sets": "套", "pairs": "双", "boxes": "盒", "kg": "公斤"}
PACKING = ("export carton", "color box", "polybag + carton", "custom packaging", "pallet", "gift box", "brown box")
HS_BY_TAG: dict[tuple[str, str], str] = {
    ("ceramic_mug", "porcelain"): "691110", ("ceramic_mug", "bone_china"): "691110", ("ceramic_mug", "stoneware"): "691200",
    ("ceramic_plate", "porcelain"): "691110", ("ceramic_plate", "bone_china"): "691110", ("ceramic_plate", "stoneware"): "691200",
    ("cutting_board", "bamboo"): "441911", ("cutting_board", "wood"): "441990", ("cutting_board", "plastic"): "392410",
    ("cast_iron_skillet", "enamel"): "732392", ("cast_iron_skillet", "pre_seasoned"): "732391",
    ("bath_towel", "cotton"): "630260", ("bath_towel", "viscose"): "630293", ("bath_towel", "polyester"): "630293",
    ("bed_sheet_set", "cotton"): "630231", ("bed_sheet_set", "polyester"): "630232", ("bed_sheet_set", "lyocell"): "630232",
    ("backpack", "genuine_leather"): "420291", ("backpack", "pu"): "420292",
    ("garden_hose", "pvc"): "391739", ("garden_hose", "tpe"): "391739", ("garden_hose", "rubber"): "400911", ("garden_hose", "latex"): "400931",
    ("camping_mat", "tpu"): "630640", ("camping_mat", "pvc"): "630640", ("camping_mat", "foam"): "940421",
    ("led_flood_light", "solar"): "940541", ("led_flood_light", "die_cast"): "940542",
    ("hair_claw_clip", "metal"): "961519", ("hair_claw_clip", "plastic"): "961511", ("hair_claw_clip", "acetate"): "961511",
    ("plastic_chair", "plastic"): "940180", ("yoga_mat", "tpe"): "950691",
}


@dataclass
class Enterprise:
    name: str
    brand: str
    cats: list[str]
    markets: list[str]


@dataclass
class Listing:
    sku: str
    enterprise: str
    title: str
    title_zh: str
    description: str
    hs_code: str
    unit: str
    moq: int
    cap: int
    lead: int
    certs: list[str]
    markets: list[str]
    cat: str
    tags: frozenset[str]


def cap_words(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:] if w[:1].islower() else w for w in text.split())


def make_enterprises(rng: random.Random) -> list[Enterprise]:
    out: list[Enterprise] = []
    used: set[str] = set()
    for cluster, cities, words, count in CLUSTERS:
        cats = [c.key for c in CATS if c.cluster == cluster]
        members: list[Enterprise] = []
        for i in range(count):
            while True:
                s1, s2 = rng.sample(SYLLABLES, 2)
                brand = s1[0] + s2[0].lower()
                if brand not in used:
                    used.add(brand)
                    break
            city = rng.choice(cities)
            word = rng.choice(words)
            if rng.random() < 0.3:
                name = f"{city[1]}市{s1[1]}{s2[1]}{word[1]}有限公司"
            else:
                name = f"{city[0]} {brand} {word[0]} {rng.choice(SUFFIX_EN)}"
            k = min(len(cats), rng.choice((1, 1, 2, 2, 2, 3, 3, 4)))
            chosen = [cats[i % len(cats)], *rng.sample(cats, k)]
            mine = list(dict.fromkeys(chosen))[:4]
            members.append(Enterprise(name, brand, mine, rng.sample(MARKETS, rng.randint(4, 12))))
        out.extend(members)
    return out


def fits(word: str, var: Variant) -> bool:
    """A word written "text@tag" (or "text@a|b") is only used for a variant that has the tag (one of them)."""
    return "@" not in word or any(t in var.tags for t in word.split("@", 1)[1].split("|"))


def words(rng: random.Random, pool: tuple[str, ...], var: Variant, k: int) -> list[str]:
    """k distinct words of the pool that fit the variant, at most one size-like (starting with a digit)."""
    cands = [w.split("@", 1)[0] for w in pool if fits(w, var)]
    rng.shuffle(cands)
    out: list[str] = []
    sized = False
    for w in cands:
        if w[:1].isdigit():
            if sized:
                continue
            sized = True
        out.append(w)
        if len(out) == k:
            break
    while len(out) < k:
        out.append(out[-1] if out else "")
    return out


def pick_variant(rng: random.Random, cat: Cat) -> Variant:
    return rng.choices(cat.variants, weights=[x.weight for x in cat.variants])[0]


def model_no(rng: random.Random, brand: str) -> str:
    style = rng.randint(0, 3)
    pre = brand[:2].upper()
    if style == 0:
        return f"{pre}-{rng.randint(100, 9999)}"
    if style == 1:
        return f"Model {pre}{rng.randint(10, 999)}"
    if style == 2:
        return f"No.{rng.randint(1000, 99999)}"
    return f"{pre}{rng.randint(1, 99):02d}{rng.choice('ABCDEHKLMSX')}"


def title_en(rng: random.Random, cat: Cat, var: Variant, brand: str) -> str:
    noun, noun2 = words(rng, cat.nouns_en, var, 2)
    f = words(rng, cat.feats_en, var, 3)
    mat = cap_words(var.en)
    hot = rng.choice(HOT_EN)
    use = rng.choice(cat.uses_en)
    m = model_no(rng, brand)
    templates = (
        f"{hot} {f[0]} {mat} {noun} {f[1]} {m}",
        f"{m} {mat} {noun} - {f[0]}, {f[1]}",
        f"{mat} {noun} {f[0]} {f[1]} OEM ODM Custom Logo",
        f"Wholesale {f[0]} {noun} {mat} for {cap_words(use)}",
        f"{hot} {noun} ({var.en}, {f[0]}, {f[1]})",
        f"{f[0]} {noun} {mat} {noun2} {f[1]} {f[2]}",
        f"Factory Direct {noun} {f[0]} {f[2]} {m}",
        f"{noun} {mat} {f[0]} for {use} {hot.lower()}",
        f"{hot} {year(rng)} {mat} {noun} {noun2} {f[1]}",
        f"Custom {f[0]} {mat} {noun.lower()} | {f[1]} | {f[2]}",
    )
    return " ".join(rng.choice(templates).split())


def year(rng: random.Random) -> str:
    return rng.choice(("2024", "2025", "2025 New", "New Design"))


def title_zh(rng: random.Random, cat: Cat, var: Variant, brand: str) -> str:
    noun = words(rng, cat.nouns_zh, var, 1)[0]
    f = words(rng, cat.feats_zh, var, 2)
    hot = rng.choice(HOT_ZH)
    templates = (
        f"{f[0]}{var.zh}{noun} {hot}",
        f"{hot}{var.zh}{noun}{f[0]} {model_no(rng, brand)}",
        f"{var.zh}{noun} {f[0]} {f[1]} 可定制logo",
        f"{noun}{var.zh}{f[0]}{f[1]}外贸{hot}",
        f"{f[0]}{noun} {var.zh} {f[1]}",
    )
    return rng.choice(templates)


def description_en(rng: random.Random, cat: Cat, var: Variant, moq: int, cap: int, certs: list[str]) -> str:
    noun = words(rng, cat.nouns_en, var, 1)[0].lower()
    f = words(rng, cat.feats_en, var, 2)
    u1, u2 = rng.sample(cat.uses_en, 2)
    parts = [
        rng.choice((f"Material: {var.en}.", f"Made of {var.en}.", f"{cap_words(var.en)} {noun}.", f"This {noun} is made from {var.en}.")),
        rng.choice((f"Features: {f[0]}, {f[1]}.", f"{cap_words(f[0])}; {f[1]}.", f"Available {f[0]}, {f[1]}.")),
        rng.choice((f"Suitable for {rng.choice(cat.uses_en)}.", f"Ideal for {u1} and {u2}.", "")),
        rng.choice((f"MOQ {moq} {cat.unit}.", f"Minimum order {moq} {cat.unit}, monthly output {cap} {cat.unit}.", f"Capacity {cap} {cat.unit}/month.")),
        f"Certified {', '.join(certs)}." if certs and rng.random() < 0.6 else "",
        rng.choice((f"Packing: {rng.choice(PACKING)}.", "OEM/ODM welcome.", "Samples available.", "")),
    ]
    return " ".join(p for p in parts if p)


def description_zh(rng: random.Random, cat: Cat, var: Variant, moq: int, cap: int) -> str:
    noun = words(rng, cat.nouns_zh, var, 1)[0]
    f = words(rng, cat.feats_zh, var, 2)
    u = UNIT_ZH[cat.unit]
    return rng.choice((
        f"材质：{var.zh}。{noun}，{f[0]}，{f[1]}。起订量{moq}{u}，月产能{cap}{u}。支持OEM/ODM。",
        f"{var.zh}{noun}，{f[0]}、{f[1]}，工厂直供，{moq}{u}起订，可来样定制。",
        f"本厂专业生产{noun}，采用{var.zh}，{f[0]}。月产{cap}{u}，欢迎询价。",
    ))


def hs_for(rng: random.Random, cat: Cat, var: Variant) -> str:
    if rng.random() < 0.1:
        return ""
    for tag in sorted(var.tags):
        if (cat.key, tag) in HS_BY_TAG:
            return HS_BY_TAG[(cat.key, tag)]
    return cat.hs[0] if rng.random() < 0.75 else rng.choice(cat.hs)


def make_listings(rng: random.Random, ents: list[Enterprise]) -> list[Listing]:
    out: list[Listing] = []
    seen: set[str] = set()
    for cat in CATS:
        makers = [e for e in ents if cat.key in e.cats]
        if len(makers) < 2:
            raise SystemExit(f"category {cat.key} has fewer than 2 makers")
        ent_certs: dict[str, list[str]] = {e.name: [c for c, p in cat.certs if rng.random() < p] for e in makers}
        for _ in range(cat.n):
            ent = rng.choice(makers)
            var = pick_variant(rng, cat)
            moq = rng.choice(cat.moq)
            cap = max(rng.choice(cat.cap), moq * 5)
            lead = rng.choice(cat.lead)
            certs = [c for c, p in cat.certs if (c in ent_certs[ent.name] and rng.random() < 0.9) or rng.random() < p * 0.4]
            markets = sorted(rng.sample(ent.markets, rng.randint(2, min(7, len(ent.markets)))))
            mode = rng.random()
            if mode < 0.15:
                t, tz, desc = title_zh(rng, cat, var, ent.brand), "", description_zh(rng, cat, var, moq, cap)
            elif mode < 0.55:
                t, tz, desc = title_en(rng, cat, var, ent.brand), title_zh(rng, cat, var, ent.brand), description_en(rng, cat, var, moq, cap, certs)
            else:
                t, tz, desc = title_en(rng, cat, var, ent.brand), "", description_en(rng, cat, var, moq, cap, certs)
            while True:
                sku = f"S2-{len(out) + 1:04d}-{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{rng.randint(10, 99)}"
                if sku not in seen:
                    seen.add(sku)
                    break
            out.append(Listing(sku, ent.name, t, tz, desc, hs_for(rng, cat, var), cat.unit, moq, cap, lead, certs, markets, cat.key, var.tags))
    return out


def passes(li: Listing, qty: int | None, certs: list[str], lead: int | None) -> bool:
    if any(c not in li.certs for c in certs):
        return False
    if qty is not None and li.moq > qty:
        return False
    if lead is not None and li.lead > lead:
        return False
    return not (qty is not None and lead is not None and li.cap * math.ceil(lead / 30) < qty)


def relevant(listings: list[Listing], r: Req, qty: int | None, lead: int | None) -> list[Listing]:
    ex = r.ex if r.ex and not r.ex.startswith("~") else None
    return [li for li in listings if li.cat in r.cats and (ex is None or ex not in li.tags)
            and needs_met(r.need, li.tags) and passes(li, qty, list(r.certs), lead)]


def needs_met(need: str | None, tags: frozenset[str]) -> bool:
    """need: space-separated groups, all required; a group "a|b" is met by either tag."""
    if need is None:
        return True
    return all(any(t in tags for t in group.split("|")) for group in need.split())


FAILURES: list[str] = []
QTY_LADDER = (10, 20, 50, 100, 200, 300, 500, 800, 1000, 1500, 2000, 3000, 5000, 8000, 10000, 15000, 20000, 30000, 50000, 80000, 100000, 200000, 300000, 500000)


def settle(listings: list[Listing], r: Req) -> tuple[int | None, int | None, list[Listing]]:
    """The buyer's figures, or the nearest ones that leave at least 3 relevant listings."""
    if r.no_match:
        return r.qty, r.lead, []
    leads = [r.lead] if r.lead is None else [r.lead + d for d in (0, 5, 10, 15, 20, 30, 40, 50, 60) if r.lead + d <= 90]
    if r.qty is None:
        qtys: list[int | None] = [None]
    else:
        base = r.qty
        near = sorted(QTY_LADDER, key=lambda q: (abs(math.log(q / base)), q))
        qtys = [base, *[q for q in near if q != base]]
    for lead in leads:
        for qty in qtys[:9]:
            rel = relevant(listings, r, qty, lead)
            if len(rel) >= 3:
                return qty, lead, rel
    base_n = len(relevant(listings, r, None, None))
    FAILURES.append(f"{r.id}: no setting leaves 3 relevant listings ({base_n} without figures)")
    return r.qty, r.lead, []


def fmt_qty(lang: str, q: int) -> str:
    """A quantity as a buyer of that language writes it (5 000, 5.000, 5000, 5,000)."""
    if lang in ("sv", "fr"):
        return f"{q:,}".replace(",", " ")
    if lang == "de" or (lang == "es" and q >= 10000):
        return f"{q:,}".replace(",", ".")
    if lang == "en":
        return f"{q:,}"
    return str(q)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def main() -> None:
    rng = random.Random(SEED)
    ents = make_enterprises(rng)
    listings = make_listings(rng, ents)
    write_csv(OUT / "listings.csv",
              ["sku", "enterprise", "title", "title_zh", "description", "hs_code", "unit", "moq", "monthly_capacity", "lead_time_days", "certifications", "markets", "category"],
              [[li.sku, li.enterprise, li.title, li.title_zh, li.description, li.hs_code, li.unit, str(li.moq), str(li.cap), str(li.lead), ";".join(li.certs), ";".join(li.markets), li.cat] for li in listings])
    split_rng = random.Random(SEED + 1)
    req_rows: list[list[str]] = []
    qrel_rows: list[list[str]] = []
    by_lang: dict[str, list[Req]] = {}
    for r in REQUESTS:
        by_lang.setdefault(r.lang, []).append(r)
    for lang, reqs in by_lang.items():
        splits = ["tune"] * (len(reqs) // 2) + ["heldout"] * (len(reqs) - len(reqs) // 2)
        split_rng.shuffle(splits)
        for r, split in zip(reqs, splits, strict=True):
            qty, lead, rel = settle(listings, r)
            text = r.text.replace("{q}", fmt_qty(lang, qty) if qty is not None else "").replace("{d}", str(lead) if lead is not None else "")
            unit = next(c.unit for c in CATS if c.key == r.cats[0]) if (qty is not None and r.cats) else ""
            req_rows.append([r.id, lang, split, text, "" if qty is None else str(qty), unit, r.dest or "",
                             ";".join(r.certs), "" if lead is None else str(lead), "", ";".join(r.cats), "1" if r.no_match else "0"])
            qrel_rows.extend([r.id, li.sku, "1"] for li in rel)
    if FAILURES:
        raise SystemExit("\n".join(FAILURES))
    write_csv(OUT / "requests.csv", ["id", "language", "split", "text", "quantity", "unit", "destination", "required_certifications", "max_lead_time_days", "hs_code", "categories", "no_match"], req_rows)
    write_csv(OUT / "qrels.csv", ["query", "sku", "relevance"], qrel_rows)


if __name__ == "__main__":
    main()
