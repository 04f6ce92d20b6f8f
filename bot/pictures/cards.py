"""Stretch pictures: side-view line drawings drawn with Pillow from data/poses.toml.

Pure (no Discord here); the poses and their checks are in bot.pictures.poses. Every picture is drawn
once at start-up and kept in memory under a hash of its pose data and RENDERER_VERSION:
members never wait for drawing.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from bot.pictures.figure import (
    ARROW,
    CARD,
    CARD_EDGE,
    FLOOR,
    GAP,
    HEAD_R,
    INK,
    LABEL,
    LABEL_BAND,
    MARGIN,
    MAT,
    MAX_SCALE,
    OUTLINE_PX,
    PROP_FILL,
    PROP_INK,
    SS,
    View,
    draw_figure,
    mask,
    paint,
)
from bot.pictures.geometry import Point, bezier, dist, lerp, sub, unit
from bot.pictures.poses import Arrow, FrameLabels, Pose, PoseLibrary, Prop, resolve

RENDERER_VERSION = 1
WIDTH, HEIGHT = 800, 450


def _draw_props(
    canvas: Image.Image,
    draw: ImageDraw.ImageDraw,
    props: Sequence[Prop],
    joints: Mapping[str, Point],
    view: View,
    panel: tuple[float, float, float, float],
    *,
    front: bool,
) -> None:
    """Floor, mat, chair and wall go behind the figure; a towel goes in front of it."""
    left, top, right, bottom = panel
    line = round(2 * SS)
    for prop in props:
        values = prop.values
        if prop.kind == "floor" and not front:
            y = view((0, values.get("y", 0)))[1]
            draw.rectangle((left, y, right, y + 10 * SS), fill=(238, 232, 222))
            draw.line((left, y, right, y), fill=FLOOR, width=line)
        elif prop.kind == "mat" and not front:
            x0, _ = view((values.get("from", 0), 0))
            x1, y = view((values.get("to", 180), 0))
            draw.rounded_rectangle(
                (x0, y - 2.2 * view.scale, x1, y),
                radius=2 * SS,
                fill=MAT,
                outline=PROP_INK,
                width=max(1, line // 2),
            )
        elif prop.kind == "wall" and not front:
            x = view((values.get("x", 0), 0))[0]
            draw.rectangle((x - 6 * SS, top, x, bottom), fill=(236, 230, 220))
            draw.line((x, top, x, bottom), fill=FLOOR, width=line)
        elif prop.kind == "chair" and not front:
            _chair(draw, values, view, line)
        elif prop.kind == "towel" and front:
            a, b = resolve(joints, values["from"]), resolve(joints, values["to"])
            points = [view(a), view(b)]
            draw.line(points, fill=INK, width=round(3.6 * view.scale + 2 * OUTLINE_PX * SS))
            draw.line(points, fill=(126, 170, 140), width=round(3.6 * view.scale))


def _chair(draw: ImageDraw.ImageDraw, values: Mapping[str, Any], view: View, line: int) -> None:
    """A plain side-view chair: seat, a front leg, and the back leg rising into the backrest."""
    front = float(values.get("x", 60))
    seat = float(values.get("seat", 45))
    inward = -1 if values.get("facing", "right") == "right" else 1  # from the front edge
    back = front + inward * float(values.get("depth", 42))
    rects = [
        (back - 2, 0, back + 2, 88),  # back leg and upright
        (front + inward * 2 - 2, 0, front + inward * 2 + 2, seat - 4),  # front leg
        (min(back, front), seat - 4, max(back, front), seat),  # seat
        (min(back, back + inward * 4), seat + 18, max(back, back + inward * 4), 84),  # backrest
    ]
    for x0, y0, x1, y1 in rects:
        (px0, py0), (px1, py1) = view((x0, y1)), view((x1, y0))
        draw.rounded_rectangle(
            (px0, py0, px1, py1),
            radius=1.2 * view.scale,
            fill=PROP_FILL,
            outline=PROP_INK,
            width=line,
        )


def _draw_arrow(draw: ImageDraw.ImageDraw, arrow: Arrow, view: View) -> None:
    a, b = view(arrow.start), view(arrow.end)
    mid = lerp(a, b, 0.5)
    d = sub(b, a)
    # bend in drawing space: positive bulges to the left of the direction of travel
    through = (mid[0] + d[1] * arrow.bend / 2, mid[1] - d[0] * arrow.bend / 2)
    points = bezier(a, through, b, steps=32)
    head = 15 * SS
    tip = points[-1]
    direction = unit(sub(tip, points[-4]))
    shaft = [p for p in points if dist(p, tip) > head * 0.7] or points[:1]
    base = (tip[0] - direction[0] * head, tip[1] - direction[1] * head)
    n = (-direction[1], direction[0])
    wing = head * 0.55
    triangle = [
        tip,
        (base[0] + n[0] * wing, base[1] + n[1] * wing),
        (base[0] - n[0] * wing, base[1] - n[1] * wing),
    ]
    halo = round(9 * SS)
    draw.line(shaft, fill=CARD, width=round(3.4 * SS) + halo, joint="curve")
    draw.polygon(triangle, fill=CARD, outline=CARD, width=halo // 2)
    draw.line(shaft, fill=ARROW, width=round(3.4 * SS), joint="curve")
    draw.polygon(triangle, fill=ARROW)


def _bounds(pose: Pose) -> tuple[float, float, float, float]:
    """The area every frame of the pose needs, in cm: (x0, y0, x1, y1)."""
    xs: list[float] = []
    ys: list[float] = []
    for frame in pose.frames:
        for name, (x, y) in frame.joints.items():
            pad = HEAD_R + 2 if name == "head" else 9.0
            xs += [x - pad, x + pad]
            ys += [y - pad, y + pad]
        for arrow in frame.arrows:
            for x, y in (arrow.start, arrow.end):
                xs += [x - 6, x + 6]
                ys += [y - 6, y + 6]
        for prop in (*pose.props, *frame.props):
            if prop.kind in ("floor", "mat"):
                ys.append(-3.0)
            if prop.kind == "chair":
                front = float(prop.values.get("x", 60))
                depth = float(prop.values.get("depth", 42))
                sign = -1 if prop.values.get("facing", "right") == "right" else 1
                xs += [front + 3, front + sign * (depth + 3)]
                ys += [-3.0, 90.0]
            if prop.kind == "wall":
                xs.append(float(prop.values.get("x", 0)))
    return min(xs), min(ys), max(xs), max(ys)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _panels(pose: Pose) -> tuple[list[tuple[float, float, float, float]], float, bool]:
    """Frames side by side, or one above the other when that draws the person larger
    (a person lying down is long and low); returns panel boxes, cm-to-pixel scale, stacked."""
    width, height = WIDTH * SS, HEIGHT * SS
    margin, gap, band = MARGIN * SS, GAP * SS, LABEL_BAND * SS
    x0, y0, x1, y1 = _bounds(pose)
    w, h = x1 - x0, y1 - y0
    count = len(pose.frames)
    side_w = (width - 2 * margin - (count - 1) * gap) / count
    side_h = height - 2 * margin - band
    stack_w = width - 2 * margin
    stack_h = (height - 2 * margin - count * band - (count - 1) * gap / 2) / count
    side = min(side_w / w, side_h / h)
    stack = min(stack_w / w, stack_h / h) if count == 2 else 0.0
    stacked = stack > side * 0.92  # as large, or nearly: a person lying down is long and low
    scale = min(stack if stacked else side, MAX_SCALE * SS)
    if stacked:
        top: float = margin + band
        boxes: list[tuple[float, float, float, float]] = []
        for _ in range(count):
            boxes.append((margin, top, margin + stack_w, top + stack_h))
            top += stack_h + gap / 2 + band
        return boxes, scale, True
    return (
        [
            (
                margin + i * (side_w + gap),
                margin + band,
                margin + i * (side_w + gap) + side_w,
                margin + band + side_h,
            )
            for i in range(count)
        ],
        scale,
        False,
    )


def render_pose(pose: Pose, frame_labels: FrameLabels) -> bytes:
    """Draw the pose's frames on a light rounded card; PNG bytes, the same for the same pose."""
    width, height = WIDTH * SS, HEIGHT * SS
    canvas = Image.new("RGB", (width, height), CARD)
    draw = ImageDraw.Draw(canvas)
    boxes, scale, stacked = _panels(pose)
    x0, y0, x1, y1 = _bounds(pose)
    band = LABEL_BAND * SS
    font = _font(17 * SS)
    labels = [frame_labels.start, frame_labels.end] if len(boxes) == 2 else []
    for index, (frame, box) in enumerate(zip(pose.frames, boxes, strict=True)):
        left, top, right, bottom = box
        spare = (bottom - top) - (y1 - y0) * scale
        ox = (left + right) / 2 - (x0 + x1) / 2 * scale
        # the lowest point sits a little above the panel's bottom, spare room goes on top
        oy = bottom - min(spare, 6 * SS) + y0 * scale
        view = View(scale, ox, oy)
        area = (left - 6 * SS, top - band + 6 * SS, right + 6 * SS, bottom + 4 * SS)
        props = (*pose.props, *frame.props)
        _draw_props(canvas, draw, props, frame.joints, view, area, front=False)
        draw_figure(canvas, frame, view)
        _draw_props(canvas, draw, props, frame.joints, view, area, front=True)
        for arrow in frame.arrows:
            _draw_arrow(draw, arrow, view)
        if labels:
            draw.text(
                (left + 2 * SS, top - band + 4 * SS), labels[index].upper(), fill=LABEL, font=font
            )
    if labels and stacked:
        y = (boxes[0][3] + boxes[1][1] - band) / 2 + 2 * SS
        draw.line((MARGIN * SS, y, width - MARGIN * SS, y), fill=CARD_EDGE, width=2 * SS)
    elif labels:
        cx, cy = width / 2, (boxes[0][1] + boxes[0][3]) / 2
        size = 9 * SS
        draw.polygon(
            [(cx - size * 0.6, cy - size), (cx + size * 0.7, cy), (cx - size * 0.6, cy + size)],
            fill=(196, 188, 176),
        )
    card, card_draw = mask((width, height))
    card_draw.rounded_rectangle((0, 0, width - 1, height - 1), radius=18 * SS, fill=255)
    edge, edge_draw = mask((width, height))
    edge_draw.rounded_rectangle(
        (0, 0, width - 1, height - 1), radius=18 * SS, outline=255, width=2 * SS
    )
    paint(canvas, CARD_EDGE, edge)
    small = canvas.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    small.putalpha(card.reduce(SS))  # only the rounded corners: a box filter is enough
    out = io.BytesIO()
    small.save(out, "PNG", compress_level=7)
    return out.getvalue()


# --- the pictures the bot sends ---------------------------------------------------------------


@dataclass(frozen=True)
class Picture:
    """What an attachment needs: its file name, the PNG and the words a screen reader says."""

    filename: str
    png: bytes
    alt: str


_CACHE: dict[str, bytes] = {}


def cache_key(pose: Pose, labels: FrameLabels) -> str:
    blob = json.dumps(
        {"renderer": RENDERER_VERSION, "pose": pose.raw, "labels": asdict(labels)},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(blob.encode()).hexdigest()


class StretchPictures:
    """Every stretch's picture, drawn once; an unchanged pose is never drawn twice."""

    def __init__(self, pictures: Mapping[str, Picture]) -> None:
        self._pictures = dict(pictures)

    @classmethod
    def render_all(cls, library: PoseLibrary) -> StretchPictures:
        pictures = {}
        for slug, pose in library.poses.items():
            key = cache_key(pose, library.labels)
            png = _CACHE.get(key)
            if png is None:
                png = _CACHE[key] = render_pose(pose, library.labels)
            pictures[slug] = Picture(f"{slug}.png", png, pose.alt)
        return cls(pictures)

    def __contains__(self, slug: object) -> bool:
        return slug in self._pictures

    def __iter__(self) -> Any:
        return iter(self._pictures)

    def picture(self, slug: str) -> Picture:
        """(filename, png_bytes, alt) for a stretch; KeyError for an unknown slug."""
        return self._pictures[slug]
