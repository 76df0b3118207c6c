"""A campaign's map of the cities reached, drawn on the server as SVG: an equirectangular
projection (longitude and latitude as x and y), a graticule every 15 degrees, and a dot with
a label per city. No tiles, no script, no external file: the page embeds the text as is.

Pure: plain points in, SVG text out. The view is the part of the world the points span
(padded and snapped to the graticule, at least 60 by 30 degrees, never taller than wide), so
cities in one region are not lost in a world map; with no point it is the whole world.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import quoteattr as _quoteattr

STEP = 15  # degrees between graticule lines
PAD = 10  # degrees of margin around the points
MIN_SPAN = (60, 30)  # the smallest view, in degrees of longitude and latitude
SCALE = 8  # SVG units per degree
# label size as a share of the view's width: about 16 px on a desktop page, 7 px on a phone
# (where the city list under the map names them too)
FONT = 0.021
# colours as presentation attributes: the pages' CSP allows no inline <style>
SEA, GRID, EQUATOR, SCALE_TEXT = "#eef4f8", "#c5d3de", "#8aa3b8", "#5b6f80"
DOT, UNCERTAIN, LABEL = "#c0392b", "#b7791f", "#1f2d3a"


# characters XML 1.0 does not allow (control characters, lone surrogates, U+FFFE/U+FFFF)
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def escape(text: str) -> str:
    """Text as XML character data: escaped, with the characters XML cannot hold dropped."""
    return _escape(_NOT_XML.sub("", text))


def quoteattr(text: str) -> str:
    return _quoteattr(_NOT_XML.sub("", text))


@dataclass(frozen=True)
class MapPoint:
    label: str
    latitude: float
    longitude: float
    uncertain: bool = False  # an ambiguous city drawn at its most populous namesake


@dataclass(frozen=True)
class View:
    """The span drawn, in degrees: west and east longitude, south and north latitude."""

    west: float
    east: float
    south: float
    north: float

    def x(self, longitude: float) -> float:
        return round((longitude - self.west) * SCALE, 2)

    def y(self, latitude: float) -> float:
        return round((self.north - latitude) * SCALE, 2)

    @property
    def width(self) -> float:
        return (self.east - self.west) * SCALE

    @property
    def height(self) -> float:
        return (self.north - self.south) * SCALE


def _snap_down(value: float) -> float:
    return float(STEP * (value // STEP))


def _snap_up(value: float) -> float:
    return float(-STEP * (-value // STEP))


def _widen(low: float, high: float, span: float, floor: float, ceiling: float
           ) -> tuple[float, float]:
    """``low``-``high`` grown about its middle to at least ``span``, kept in the limits."""
    if high - low >= span:
        return low, high
    middle = (low + high) / 2
    low, high = middle - span / 2, middle + span / 2
    if low < floor:
        low, high = floor, floor + span
    if high > ceiling:
        low, high = ceiling - span, ceiling
    return _snap_down(low), _snap_up(high)


def view_of(points: list[MapPoint]) -> View:
    """The view that holds every point with a margin (the world when there is none)."""
    if not points:
        return View(-180, 180, -90, 90)
    west = max(-180.0, _snap_down(min(p.longitude for p in points) - PAD))
    east = min(180.0, _snap_up(max(p.longitude for p in points) + PAD))
    south = max(-90.0, _snap_down(min(p.latitude for p in points) - PAD))
    north = min(90.0, _snap_up(max(p.latitude for p in points) + PAD))
    west, east = _widen(west, east, MIN_SPAN[0], -180, 180)
    south, north = _widen(south, north, MIN_SPAN[1], -90, 90)
    west, east = _widen(west, east, north - south, -180, 180)  # never taller than wide
    return View(west, east, south, north)


def _graticule(view: View) -> list[str]:
    lines = []
    lon = _snap_up(view.west)
    while lon <= view.east:
        x = view.x(lon)
        lines.append(f'<line class="grid" x1="{x}" y1="0" x2="{x}" y2="{view.height}" '
                     f'stroke="{GRID}" stroke-width="1"/>')
        lon += STEP
    lat = _snap_up(view.south)
    while lat <= view.north:
        y = view.y(lat)
        kind, colour = ("grid equator", EQUATOR) if lat == 0 else ("grid", GRID)
        lines.append(f'<line class="{kind}" x1="0" y1="{y}" x2="{view.width}" y2="{y}" '
                     f'stroke="{colour}" stroke-width="1"/>')
        lat += STEP
    return lines


def _degrees(value: float, positive: str, negative: str) -> str:
    return f"{abs(int(value))}°{positive if value > 0 else negative if value < 0 else ''}"


def _scale_labels(view: View, font: float) -> list[str]:
    out = []
    lon = _snap_up(view.west) + STEP
    while lon < view.east:
        out.append(f'<text class="scale" x="{view.x(lon) + 2}" y="{view.height - 3}" '
                   f'font-size="{font * 0.6:.1f}" fill="{SCALE_TEXT}">'
                   f'{_degrees(lon, "E", "W")}</text>')
        lon += 2 * STEP
    lat = _snap_up(view.south) + STEP
    while lat < view.north:
        out.append(f'<text class="scale" x="2" y="{view.y(lat) - 2}" '
                   f'font-size="{font * 0.6:.1f}" fill="{SCALE_TEXT}">'
                   f'{_degrees(lat, "N", "S")}</text>')
        lat += STEP
    return out


Box = tuple[float, float, float, float]  # a label's left, top, right, bottom


def _label_place(view: View, taken: list[Box], x: float, y: float, length: int, font: float,
                 radius: float) -> tuple[str, float, float]:
    """Where a city's label goes (anchor, x, y of its baseline): east of the dot, else west,
    else a line lower or higher on either side — the first that overlaps no label placed
    before and stays in the view; the first of them when none does. The chosen box is noted
    in ``taken``."""
    width, gap = 0.6 * font * length, radius + font * 0.25
    tries = []
    for shift in (0.0, font, -font):
        for side in ("start", "end"):
            left = x + gap if side == "start" else x - gap - width
            top = y + shift - font * 0.65
            tries.append((side, left, top))
    chosen = tries[0] if x + gap + width <= view.width else tries[1]
    for side, left, top in tries:
        box = (left, top, left + width, top + font)
        inside = box[0] >= 0 and box[2] <= view.width and box[1] >= 0 and box[3] <= view.height
        clear = all(box[2] <= b[0] or b[2] <= box[0] or box[3] <= b[1] or b[3] <= box[1]
                    for b in taken)
        if inside and clear:
            chosen = (side, left, top)
            break
    side, left, top = chosen
    taken.append((left, top, left + width, top + font))
    anchor_x = left if side == "start" else left + width
    return side, round(anchor_x, 2), round(top + font * 0.8, 2)


def campaign_map_svg(points: list[MapPoint], *, title: str) -> str:
    """The SVG document of the map: ``title`` names it for screen readers."""
    view = view_of(points)
    font = round(FONT * view.width, 1)
    radius = round(font * 0.4, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="campaign-map" role="img" '
        f'viewBox="0 0 {view.width:g} {view.height:g}" '
        f'aria-label={quoteattr(title)} font-family="sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<rect class="sea" x="0" y="0" width="{view.width:g}" height="{view.height:g}" '
        f'fill="{SEA}"/>',
        *_graticule(view), *_scale_labels(view, font),
    ]
    taken: list[Box] = []
    for point in sorted(points, key=lambda p: (-p.latitude, p.longitude)):
        x, y = view.x(point.longitude), view.y(point.latitude)
        kind, colour = ("dot uncertain", UNCERTAIN) if point.uncertain else ("dot", DOT)
        anchor, lx, ly = _label_place(view, taken, x, y, len(point.label), font, radius)
        parts.append(
            f'<g class="city"><circle class="{kind}" cx="{x}" cy="{y}" r="{radius}" '
            f'fill="{colour}" stroke="#ffffff" stroke-width="{radius / 3:.1f}">'
            f"<title>{escape(point.label)}</title></circle>"
            f'<text class="label" x="{lx}" y="{ly}" '
            f'font-size="{font}" text-anchor="{anchor}" fill="{LABEL}" stroke="#ffffff" '
            f'stroke-width="{font / 4:.1f}" paint-order="stroke">{escape(point.label)}</text>'
            "</g>")
    parts.append("</svg>")
    return "\n".join(parts)


__all__ = ["MapPoint", "View", "campaign_map_svg", "view_of"]
