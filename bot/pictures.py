"""Stretch pictures: side-view line drawings drawn with Pillow from data/poses.toml.

Pure (no Discord here). A pose is a figure's joint positions in centimetres, seen from the side
(x to the right, y up, the floor at y = 0), plus props, arrows and the worked area. Positions are
checked at load against an adult's bone lengths and joint ranges, so a typo cannot draw a shin
twice as long or a knee bent backwards. Every picture is drawn once at start-up and kept in
memory under a hash of its pose data and RENDERER_VERSION: members never wait for drawing.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import math
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from bot.content import ContentError

RENDERER_VERSION = 1
WIDTH, HEIGHT = 800, 450
SS = 2  # drawn at twice the size, then downscaled with LANCZOS for smooth edges
ALT_LIMIT = 1024  # Discord's limit for an attachment's description

Point = tuple[float, float]

CORE_JOINTS = ("head", "neck", "shoulder", "hip")
SIDED = ("elbow", "wrist", "hand", "knee", "ankle", "toe")
JOINTS = (*CORE_JOINTS, "back", "nose", *(f"{s}_{j}" for s in ("near", "far") for j in SIDED))

# Bone lengths of an adult about 170 cm tall, in cm; positions must be within TOLERANCE of them.
BONES: dict[tuple[str, str], float] = {
    ("head", "neck"): 19,
    ("head", "nose"): 12.5,
    ("neck", "shoulder"): 7,
    ("neck", "hip"): 53,
    ("shoulder", "elbow"): 29,
    ("elbow", "wrist"): 25,
    ("wrist", "hand"): 15,
    ("hip", "knee"): 44,
    ("knee", "ankle"): 42,
    ("ankle", "toe"): 18,
}
TOLERANCE = 0.15
SHORTEST_TURNED = 0.4  # a limb turned towards the viewer looks shorter, down to this share
# the angle from the shin (knee to ankle) to the foot (ankle to toe tip): about 70 standing,
# 95 at full dorsiflexion (knee over the toes), under 20 only with the toes pointed hard
ANKLE_RANGE = (15.0, 100.0)
KNEE_STRAIGHT = 6.0  # degrees of "bent the wrong way" still read as a straight knee

PROP_KINDS = ("floor", "mat", "chair", "wall", "towel")
LAYERS = ("far_arm", "far_leg", "body", "near_leg", "near_arm")
PARTS = {
    "head": "body",
    "neck": "body",
    "torso": "body",
    **{f"{s}_{p}": f"{s}_arm" for s in ("near", "far") for p in ("upper_arm", "forearm", "hand")},
    **{f"{s}_{p}": f"{s}_leg" for s in ("near", "far") for p in ("thigh", "shin", "foot")},
}

# style, in final pixels where it is a line and in centimetres where it is the body
CARD = (250, 247, 242)
CARD_EDGE = (222, 215, 204)
INK = (40, 52, 66)
FILL_NEAR = (214, 228, 240)
FILL_FAR = (170, 190, 208)
WARM = (236, 104, 60)
WARM_ALPHA = 0.62
ARROW = (28, 108, 196)
PROP_FILL = (232, 221, 204)
PROP_INK = (128, 112, 96)
FLOOR = (160, 150, 138)
MAT = (205, 224, 210)
LABEL = (96, 104, 114)
OUTLINE_PX = 2.4
MAX_SCALE = 3.2  # pixels per cm: the same person's size on every card where it fits
MARGIN, GAP, LABEL_BAND = 16, 28, 24

HEAD_R = 11.5
NECK_R = (5.2, 4.6)
# torso full depth along its length (0 = neck, 1 = hip), side view
TORSO_PROFILE = ((0.0, 19.0), (0.15, 23.0), (0.45, 21.0), (0.65, 19.5), (0.88, 22.0), (1.0, 22.0))
LIMB_R = {
    "upper_arm": (5.0, 3.9),
    "forearm": (3.9, 2.9),
    "hand": (2.9, 1.9),
    "thigh": (8.2, 5.8),
    "shin": (5.6, 3.7),
}
LIMB_JOINTS = {
    "upper_arm": ("shoulder", "elbow"),
    "forearm": ("elbow", "wrist"),
    "hand": ("wrist", "hand"),
    "thigh": ("hip", "knee"),
    "shin": ("knee", "ankle"),
    "foot": ("ankle", "toe"),
}


# --- the pose data --------------------------------------------------------------------------


@dataclass(frozen=True)
class Arrow:
    start: Point
    end: Point
    bend: float = 0.0  # sideways bulge as a share of the length; positive bulges to the left


@dataclass(frozen=True)
class Highlight:
    part: str
    start: float = 0.0  # share of the part's length, from its upper joint
    end: float = 1.0
    side: str = ""  # "left" or "right" of the way from the upper joint: only that half


@dataclass(frozen=True)
class Prop:
    kind: str
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Frame:
    joints: Mapping[str, Point]
    arrows: tuple[Arrow, ...] = ()
    highlight: tuple[Highlight, ...] = ()
    props: tuple[Prop, ...] = ()
    order: tuple[str, ...] = LAYERS


@dataclass(frozen=True)
class Pose:
    slug: str
    alt: str
    frames: tuple[Frame, ...]
    props: tuple[Prop, ...]
    raw: Mapping[str, Any]  # as written in the file: what the cache key is made of


@dataclass(frozen=True)
class PoseLibrary:
    poses: dict[str, Pose]
    ui: Mapping[str, str]


class _PoseReader:
    """Errors that name the file, the stretch and the field."""

    def __init__(self, file: str, slug: str) -> None:
        self.file, self.slug = file, slug

    def fail(self, where: str, problem: str) -> ContentError:
        return ContentError(f"{self.file}: stretch '{self.slug}': field '{where}' {problem}")

    def point(self, where: str, value: Any) -> Point:
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        ):
            raise self.fail(where, "must be [x, y] in centimetres")
        x, y = float(value[0]), float(value[1])
        if not (-50 <= x <= 300 and -20 <= y <= 250):
            raise self.fail(where, f"is outside the drawing area: [{x}, {y}]")
        return x, y

    def joints(self, where: str, raw: Any) -> dict[str, Point]:
        if not isinstance(raw, dict):
            raise self.fail(where, "must be a table of joint positions")
        unknown = sorted(set(raw) - set(JOINTS))
        if unknown:
            raise self.fail(
                f"{where}.{unknown[0]}", f"is not a joint (joints: {', '.join(JOINTS)})"
            )
        required = [*CORE_JOINTS, *(f"near_{j}" for j in SIDED if j != "hand")]
        for name in required:
            if name not in raw:
                raise self.fail(f"{where}.{name}", "is missing")
        joints = {name: self.point(f"{where}.{name}", value) for name, value in raw.items()}
        return _complete(joints)

    def check_anatomy(
        self, where: str, joints: Mapping[str, Point], turned: frozenset[str]
    ) -> None:
        for (a, b), length in BONES.items():
            if b == "nose" and "nose" not in joints:
                continue
            pairs = [(a, b)] if a in CORE_JOINTS and b not in SIDED else []
            if b in SIDED:
                pairs += [(_sided(a, side), _sided(b, side)) for side in ("near", "far")]
            for ja, jb in dict.fromkeys(pairs):
                actual = _dist(joints[ja], joints[jb])
                shortest = SHORTEST_TURNED if _bone_part(jb) in turned else 1 - TOLERANCE
                if not length * shortest <= actual <= length * (1 + TOLERANCE):
                    raise self.fail(
                        f"{where}.{jb}",
                        f"is {actual:.0f} cm from {ja}; an adult's is about {length:.0f}",
                    )
        for side in ("near", "far"):
            if any(
                part.startswith(side) and part.endswith(("thigh", "shin", "foot"))
                for part in turned
            ):
                continue  # a leg seen at an angle: its angles on paper are not its real ones
            hip, knee = joints["hip"], joints[f"{side}_knee"]
            ankle, toe = joints[f"{side}_ankle"], joints[f"{side}_toe"]
            shin, foot, thigh = _sub(ankle, knee), _sub(toe, ankle), _sub(hip, knee)
            bend = 180 - _angle_between(shin, thigh)
            # a knee that flexes has the thigh and the toes on opposite sides of the shin
            if bend > KNEE_STRAIGHT and _cross(shin, foot) * _cross(shin, thigh) > 0:
                raise self.fail(f"{where}.{side}_knee", "bends the wrong way")
            ankle_angle = _angle_between(shin, foot)
            if not ANKLE_RANGE[0] <= ankle_angle <= ANKLE_RANGE[1]:
                raise self.fail(
                    f"{where}.{side}_toe",
                    f"makes a {ankle_angle:.0f}° ankle; an ankle goes from "
                    f"{ANKLE_RANGE[0]:.0f}° to {ANKLE_RANGE[1]:.0f}°",
                )


def _bone_part(joint: str) -> str:
    """The body part that ends at `joint` (whose length the bone check measures)."""
    side, _, name = joint.partition("_")
    ends = {
        "elbow": "upper_arm",
        "wrist": "forearm",
        "hand": "hand",
        "knee": "thigh",
        "ankle": "shin",
        "toe": "foot",
    }
    return f"{side}_{ends[name]}" if name in ends else joint


def _sided(joint: str, side: str) -> str:
    return f"{side}_{joint}" if joint in SIDED else joint


def _complete(joints: dict[str, Point]) -> dict[str, Point]:
    """Fill in the optional joints: a straight back, a hand in line, far limbs behind near ones."""
    out = dict(joints)
    if "back" not in out:
        out["back"] = _lerp(out["neck"], out["hip"], 0.5)
    for side in ("near", "far"):
        for name in SIDED:
            key = f"{side}_{name}"
            if key in out:
                continue
            if side == "far" and name != "hand":
                out[key] = out[f"near_{name}"]
            elif side == "far" and "far_wrist" not in joints and "near_hand" in joints:
                out[key] = out["near_hand"]
            else:
                elbow, wrist = out[f"{side}_elbow"], out[f"{side}_wrist"]
                out[key] = _along(wrist, _sub(wrist, elbow), BONES[("wrist", "hand")])
    return out


def _read_props(reader: _PoseReader, where: str, raw: Any) -> tuple[Prop, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise reader.fail(where, "must be a list of props")
    props = []
    for index, entry in enumerate(raw):
        here = f"{where}[{index}]"
        if not isinstance(entry, dict) or entry.get("kind") not in PROP_KINDS:
            raise reader.fail(f"{here}.kind", f"must be one of {', '.join(PROP_KINDS)}")
        values = {k: v for k, v in entry.items() if k != "kind"}
        for key, value in values.items():
            if key in ("from", "to") and isinstance(value, str):
                if value not in JOINTS and value not in ("near_sole", "far_sole"):
                    raise reader.fail(f"{here}.{key}", f"names no joint: {value!r}")
            elif key == "facing":
                if value not in ("left", "right"):
                    raise reader.fail(f"{here}.facing", "must be left or right")
            elif key in ("from", "to") and isinstance(value, list):
                reader.point(f"{here}.{key}", value)
            elif not isinstance(value, int | float) or isinstance(value, bool):
                raise reader.fail(f"{here}.{key}", "must be a number")
        if entry["kind"] == "towel" and not {"from", "to"} <= set(values):
            raise reader.fail(here, "a towel needs from and to")
        props.append(Prop(entry["kind"], values))
    return tuple(props)


def _read_frame(reader: _PoseReader, where: str, raw: Any) -> Frame:
    if not isinstance(raw, dict):
        raise reader.fail(where, "must be a table")
    joints = reader.joints(f"{where}.joints", raw.get("joints"))
    turned = raw.get("turned", [])
    if not isinstance(turned, list) or not set(turned) <= set(PARTS):
        raise reader.fail(f"{where}.turned", f"must list parts among {', '.join(PARTS)}")
    reader.check_anatomy(f"{where}.joints", joints, frozenset(turned))
    arrows = []
    for index, entry in enumerate(raw.get("arrows") or []):
        here = f"{where}.arrows[{index}]"
        if not isinstance(entry, dict):
            raise reader.fail(here, "must be a table with from, to and bend")
        bend = entry.get("bend", 0.0)
        if not isinstance(bend, int | float) or not -1 <= bend <= 1:
            raise reader.fail(f"{here}.bend", "must be a number from -1 to 1")
        arrow = Arrow(
            reader.point(f"{here}.from", entry.get("from")),
            reader.point(f"{here}.to", entry.get("to")),
            float(bend),
        )
        if _dist(arrow.start, arrow.end) < 8:
            raise reader.fail(here, "is too short to see (under 8 cm)")
        arrows.append(arrow)
    highlights = []
    for index, entry in enumerate(raw.get("highlight") or []):
        here = f"{where}.highlight[{index}]"
        if not isinstance(entry, dict) or entry.get("part") not in PARTS:
            raise reader.fail(f"{here}.part", f"must be one of {', '.join(PARTS)}")
        start, end = entry.get("from", 0.0), entry.get("to", 1.0)
        if not (
            isinstance(start, int | float)
            and isinstance(end, int | float)
            and 0 <= start < end <= 1
        ):
            raise reader.fail(here, "from and to must be shares with 0 <= from < to <= 1")
        side = entry.get("side", "")
        if side not in ("", "left", "right"):
            raise reader.fail(f"{here}.side", "must be left or right (of the part's direction)")
        highlights.append(Highlight(entry["part"], float(start), float(end), side))
    order = raw.get("order", list(LAYERS))
    if not isinstance(order, list) or sorted(order) != sorted(LAYERS):
        raise reader.fail(f"{where}.order", f"must list each of {', '.join(LAYERS)} once")
    props = _read_props(reader, f"{where}.props", raw.get("props"))
    return Frame(joints, tuple(arrows), tuple(highlights), props, tuple(order))


def load_poses(path: Path, stretch_slugs: Iterable[str]) -> PoseLibrary:
    """Every stretch must have a pose and every pose must belong to a stretch."""
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ContentError(f"{path.name}: file is missing") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path.name}: not valid TOML ({exc})") from exc
    ui = raw.get("ui")
    if not isinstance(ui, dict) or not all(isinstance(ui.get(k), str) for k in ("start", "end")):
        raise ContentError(f"{path.name}: [ui] needs the texts start and end")
    table = raw.get("pose")
    if not isinstance(table, dict):
        raise ContentError(f"{path.name}: no [pose.<stretch>] tables")
    slugs = list(stretch_slugs)
    for slug in slugs:
        if slug not in table:
            raise ContentError(f"{path.name}: stretch '{slug}' has no pose ([pose.{slug}])")
    poses: dict[str, Pose] = {}
    for slug, entry in table.items():
        reader = _PoseReader(path.name, slug)
        if slug not in slugs:
            raise ContentError(f"{path.name}: [pose.{slug}] names no stretch in stretches.toml")
        if not isinstance(entry, dict):
            raise reader.fail("pose", "must be a table")
        alt = entry.get("alt")
        if not isinstance(alt, str) or not alt.strip():
            raise reader.fail("alt", "must describe the picture in words")
        if len(alt.strip()) > ALT_LIMIT:
            raise reader.fail("alt", f"is {len(alt.strip())} characters; the limit is {ALT_LIMIT}")
        frames_raw = entry.get("frame")
        if not isinstance(frames_raw, list) or not 1 <= len(frames_raw) <= 2:
            raise reader.fail("frame", "must hold one or two [[pose.<stretch>.frame]] tables")
        frames = tuple(
            _read_frame(reader, f"frame[{index}]", frame) for index, frame in enumerate(frames_raw)
        )
        if not any(frame.highlight for frame in frames):
            raise reader.fail("highlight", "is missing: show the area the stretch works on")
        props = _read_props(reader, "props", entry.get("props"))
        poses[slug] = Pose(slug, alt.strip(), frames, props, entry)
    return PoseLibrary(poses, dict(ui))


# --- geometry --------------------------------------------------------------------------------


def _sub(a: Point, b: Point) -> Point:
    return a[0] - b[0], a[1] - b[1]


def _dist(a: Point, b: Point) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def _lerp(a: Point, b: Point, t: float) -> Point:
    return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t


def _cross(a: Point, b: Point) -> float:
    return a[0] * b[1] - a[1] * b[0]


def _unit(v: Point) -> Point:
    length = math.hypot(*v) or 1.0
    return v[0] / length, v[1] / length


def _along(origin: Point, direction: Point, distance: float) -> Point:
    u = _unit(direction)
    return origin[0] + u[0] * distance, origin[1] + u[1] * distance


def _angle_between(a: Point, b: Point) -> float:
    ua, ub = _unit(a), _unit(b)
    dot = max(-1.0, min(1.0, ua[0] * ub[0] + ua[1] * ub[1]))
    return math.degrees(math.acos(dot))


def _bezier(a: Point, through: Point, b: Point, steps: int = 24) -> list[Point]:
    """A quadratic curve from a to b that passes through `through` halfway."""
    control = (2 * through[0] - (a[0] + b[0]) / 2, 2 * through[1] - (a[1] + b[1]) / 2)
    points = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        points.append(
            (
                u * u * a[0] + 2 * u * t * control[0] + t * t * b[0],
                u * u * a[1] + 2 * u * t * control[1] + t * t * b[1],
            )
        )
    return points


def _profile(t: float) -> float:
    for (t0, w0), (t1, w1) in itertools.pairwise(TORSO_PROFILE):
        if t <= t1:
            return w0 + (w1 - w0) * (t - t0) / (t1 - t0)
    return TORSO_PROFILE[-1][1]


def _sole(joints: Mapping[str, Point], side: str) -> tuple[Point, Point]:
    """The unit normal on the sole's side of the foot, and the ball of the foot under it."""
    ankle, toe, knee = joints[f"{side}_ankle"], joints[f"{side}_toe"], joints[f"{side}_knee"]
    d = _unit(_sub(toe, ankle))
    normal = (d[1], -d[0])
    to_knee = _sub(knee, ankle)
    if normal[0] * to_knee[0] + normal[1] * to_knee[1] > 0:
        normal = (-normal[0], -normal[1])
    ball = _lerp(ankle, toe, 0.72)
    return normal, (ball[0] + normal[0] * 3.5, ball[1] + normal[1] * 3.5)


def _resolve(joints: Mapping[str, Point], value: Any) -> Point:
    if isinstance(value, str):
        if value.endswith("_sole"):
            return _sole(joints, value.removesuffix("_sole"))[1]
        return joints[value]
    return float(value[0]), float(value[1])


# --- drawing ---------------------------------------------------------------------------------


@dataclass
class _View:
    """Centimetres of one frame to pixels of the supersampled canvas."""

    scale: float  # canvas pixels per cm
    ox: float
    oy: float

    def __call__(self, p: Point) -> Point:
        return self.ox + p[0] * self.scale, self.oy - p[1] * self.scale


def _capsule(draw: ImageDraw.ImageDraw, a: Point, b: Point, ra: float, rb: float) -> None:
    """A limb: a tapered band with round ends, given in canvas pixels."""
    d = _unit(_sub(b, a))
    n = (-d[1], d[0])
    if _dist(a, b) > 0.5:
        draw.polygon(
            [
                (a[0] + n[0] * ra, a[1] + n[1] * ra),
                (b[0] + n[0] * rb, b[1] + n[1] * rb),
                (b[0] - n[0] * rb, b[1] - n[1] * rb),
                (a[0] - n[0] * ra, a[1] - n[1] * ra),
            ],
            fill=255,
        )
    for (x, y), r in ((a, ra), (b, rb)):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=255)


class _Figure:
    """One frame's body parts, each drawable at any outward growth (for the outline pass)."""

    def __init__(self, joints: Mapping[str, Point], view: _View) -> None:
        self.j = joints
        self.view = view

    def centreline(self, part: str) -> list[Point]:
        j = self.j
        if part == "torso":
            return _bezier(j["neck"], j["back"], j["hip"])
        if part == "neck":
            return [j["neck"], j["head"]]
        if part == "head":
            return [j["head"], j["head"]]
        side, limb = part.split("_", 1)
        a, b = LIMB_JOINTS[limb]
        return [j[_sided(a, side)], j[_sided(b, side)]]

    def draw(self, draw: ImageDraw.ImageDraw, part: str, grow: float) -> None:
        v, s, j = self.view, self.view.scale, self.j
        if part == "head":
            x, y = v(j["head"])
            r = HEAD_R * s + grow
            draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
            if "nose" in j:  # a small nose on the face's side says which way the person looks
                direction = _sub(j["nose"], j["head"])
                inner = v(_along(j["head"], direction, HEAD_R - 3))
                tip = v(_along(j["head"], direction, HEAD_R + 0.8))
                _capsule(draw, inner, tip, 2.2 * s + grow, 1.5 * s + grow)
        elif part == "neck":
            _capsule(draw, v(j["neck"]), v(j["head"]), NECK_R[0] * s + grow, NECK_R[1] * s + grow)
        elif part == "torso":
            line = self.centreline("torso")
            count = len(line) - 1
            left, right = [], []
            for i, p in enumerate(line):
                a, b = line[max(0, i - 1)], line[min(count, i + 1)]
                d = _unit(_sub(b, a))
                half = _profile(i / count) / 2
                left.append(v((p[0] - d[1] * half, p[1] + d[0] * half)))
                right.append(v((p[0] + d[1] * half, p[1] - d[0] * half)))
            polygon = [*left, *reversed(right)]
            if grow:
                # grow the outline pass by drawing the edge as a thick line around the shape
                draw.polygon(polygon, fill=255)
                draw.line([*polygon, polygon[0]], fill=255, width=round(grow * 2), joint="curve")
            else:
                draw.polygon(polygon, fill=255)
            for p, t in ((line[0], 0.0), (line[-1], 1.0)):
                x, y = v(p)
                r = _profile(t) / 2 * s + grow
                draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
        else:
            side, limb = part.split("_", 1)
            if limb == "foot":
                self._foot(draw, side, grow)
                return
            start, end = LIMB_JOINTS[limb]
            ra, rb = LIMB_R[limb]
            _capsule(
                draw,
                v(j[_sided(start, side)]),
                v(j[_sided(end, side)]),
                ra * s + grow,
                rb * s + grow,
            )

    def _foot(self, draw: ImageDraw.ImageDraw, side: str, grow: float) -> None:
        v, s, j = self.view, self.view.scale, self.j
        ankle, toe = j[f"{side}_ankle"], j[f"{side}_toe"]
        normal, _ = _sole(j, side)
        d = _unit(_sub(toe, ankle))
        heel = (ankle[0] - d[0] * 3.5 + normal[0] * 2.2, ankle[1] - d[1] * 3.5 + normal[1] * 2.2)
        tip = (toe[0] - d[0] * 2.0 + normal[0] * 1.2, toe[1] - d[1] * 2.0 + normal[1] * 1.2)
        _capsule(draw, v(ankle), v(tip), 3.9 * s + grow, 2.1 * s + grow)
        _capsule(draw, v(heel), v(tip), 3.4 * s + grow, 2.1 * s + grow)

    def parts(self, layer: str) -> list[str]:
        if layer == "body":
            return ["torso", "neck", "head"]
        side, kind = layer.split("_")
        names = ("upper_arm", "forearm", "hand") if kind == "arm" else ("thigh", "shin", "foot")
        return [f"{side}_{name}" for name in names]


def _mask(size: tuple[int, int]) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", size, 0)
    return image, ImageDraw.Draw(image)


def _paint(canvas: Image.Image, colour: tuple[int, int, int], mask: Image.Image) -> None:
    box = mask.getbbox()  # only where the mask has ink: most shapes cover a small part
    if box is not None:
        canvas.paste(colour, box, mask.crop(box))


def _draw_figure(canvas: Image.Image, frame: Frame, view: _View) -> None:
    """Draw on a crop around the figure only: masks the size of the card would cost 5x more."""
    points = [view(p) for p in frame.joints.values()]
    pad = 20 * view.scale
    box = (
        max(0, int(min(x for x, _ in points) - pad)),
        max(0, int(min(y for _, y in points) - pad)),
        min(canvas.width, int(max(x for x, _ in points) + pad)),
        min(canvas.height, int(max(y for _, y in points) + pad)),
    )
    part = canvas.crop(box)
    _draw_layers(part, frame, _View(view.scale, view.ox - box[0], view.oy - box[1]))
    canvas.paste(part, box[:2])


def _draw_layers(canvas: Image.Image, frame: Frame, view: _View) -> None:
    figure = _Figure(frame.joints, view)
    outline = OUTLINE_PX * SS
    for layer in frame.order:
        parts = figure.parts(layer)
        if layer.startswith("far") and _hidden(frame.joints, layer):
            continue
        ink, ink_draw = _mask(canvas.size)
        fill, fill_draw = _mask(canvas.size)
        for part in parts:
            figure.draw(ink_draw, part, outline)
            figure.draw(fill_draw, part, 0)
        _paint(canvas, INK, ink)
        _paint(canvas, FILL_FAR if layer.startswith("far") else FILL_NEAR, fill)
        wanted = [h for h in frame.highlight if h.part in parts]
        if wanted:
            glow = _highlight_mask(canvas.size, figure, wanted, view)
            _paint(canvas, WARM, ImageChops.multiply(glow, fill))


def _hidden(joints: Mapping[str, Point], layer: str) -> bool:
    """Far limbs placed exactly on the near ones are hidden behind them: skip drawing them."""
    side_joints = ("elbow", "wrist", "hand") if layer.endswith("arm") else ("knee", "ankle", "toe")
    return all(joints[f"far_{name}"] == joints[f"near_{name}"] for name in side_joints)


def _highlight_mask(
    size: tuple[int, int], figure: _Figure, wanted: Sequence[Highlight], view: _View
) -> Image.Image:
    glow, _ = _mask(size)
    blur = 5 * SS
    for item in wanted:
        shape, shape_draw = _mask(size)
        figure.draw(shape_draw, item.part, 0)
        band, band_draw = _mask(size)
        line = [view(p) for p in _portion(figure.centreline(item.part), item.start, item.end)]
        reach = 40 * view.scale
        if len(line) == 1 or _dist(line[0], line[-1]) < 0.1:
            x, y = line[0]
            band_draw.ellipse((x - reach, y - reach, x + reach, y + reach), fill=255)
        elif item.side:
            # canvas y points down, so "left of travel" on paper is the canvas normal (dy, -dx)
            sign = 1 if item.side == "left" else -1
            edge = []
            for i, (x, y) in enumerate(line):
                a, b = line[max(0, i - 1)], line[min(len(line) - 1, i + 1)]
                dx, dy = _unit(_sub(b, a))
                edge.append((x + sign * dy * reach, y - sign * dx * reach))
            band_draw.polygon([*line, *reversed(edge)], fill=255)
        else:
            band_draw.line(line, fill=255, width=round(reach), joint="curve")
        box = band.getbbox()
        if box is None:
            continue
        grown = (
            max(0, box[0] - 3 * blur),
            max(0, box[1] - 3 * blur),
            min(size[0], box[2] + 3 * blur),
            min(size[1], box[3] + 3 * blur),
        )
        band.paste(band.crop(grown).filter(ImageFilter.GaussianBlur(blur)), grown[:2])
        glow = ImageChops.lighter(glow, ImageChops.multiply(shape, band))
    return glow.point(lambda value: round(value * WARM_ALPHA))


def _portion(line: Sequence[Point], start: float, end: float) -> list[Point]:
    """The stretch of a polyline between two shares of its length."""
    if len(line) < 2 or (_dist(line[0], line[-1]) < 1e-6 and len(line) == 2):
        return [line[0]]
    lengths = [0.0]
    for a, b in itertools.pairwise(line):
        lengths.append(lengths[-1] + _dist(a, b))
    total = lengths[-1]

    def at(share: float) -> Point:
        target = share * total
        for i in range(1, len(line)):
            if lengths[i] >= target:
                span = lengths[i] - lengths[i - 1] or 1.0
                return _lerp(line[i - 1], line[i], (target - lengths[i - 1]) / span)
        return line[-1]

    inner = [p for p, d in zip(line, lengths, strict=False) if start * total < d < end * total]
    return [at(start), *inner, at(end)]


def _draw_props(
    canvas: Image.Image,
    draw: ImageDraw.ImageDraw,
    props: Sequence[Prop],
    joints: Mapping[str, Point],
    view: _View,
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
            a, b = _resolve(joints, values["from"]), _resolve(joints, values["to"])
            points = [view(a), view(b)]
            draw.line(points, fill=INK, width=round(3.6 * view.scale + 2 * OUTLINE_PX * SS))
            draw.line(points, fill=(126, 170, 140), width=round(3.6 * view.scale))


def _chair(draw: ImageDraw.ImageDraw, values: Mapping[str, Any], view: _View, line: int) -> None:
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


def _draw_arrow(draw: ImageDraw.ImageDraw, arrow: Arrow, view: _View) -> None:
    a, b = view(arrow.start), view(arrow.end)
    mid = _lerp(a, b, 0.5)
    d = _sub(b, a)
    # bend in drawing space: positive bulges to the left of the direction of travel
    through = (mid[0] + d[1] * arrow.bend / 2, mid[1] - d[0] * arrow.bend / 2)
    points = _bezier(a, through, b, steps=32)
    head = 15 * SS
    tip = points[-1]
    direction = _unit(_sub(tip, points[-4]))
    shaft = [p for p in points if _dist(p, tip) > head * 0.7] or points[:1]
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


def render_pose(pose: Pose, ui: Mapping[str, str]) -> bytes:
    """Draw the pose's frames on a light rounded card; PNG bytes, the same for the same pose."""
    width, height = WIDTH * SS, HEIGHT * SS
    canvas = Image.new("RGB", (width, height), CARD)
    draw = ImageDraw.Draw(canvas)
    boxes, scale, stacked = _panels(pose)
    x0, y0, x1, y1 = _bounds(pose)
    band = LABEL_BAND * SS
    font = _font(17 * SS)
    labels = [ui["start"], ui["end"]] if len(boxes) == 2 else []
    for index, (frame, box) in enumerate(zip(pose.frames, boxes, strict=True)):
        left, top, right, bottom = box
        spare = (bottom - top) - (y1 - y0) * scale
        ox = (left + right) / 2 - (x0 + x1) / 2 * scale
        # the lowest point sits a little above the panel's bottom, spare room goes on top
        oy = bottom - min(spare, 6 * SS) + y0 * scale
        view = _View(scale, ox, oy)
        area = (left - 6 * SS, top - band + 6 * SS, right + 6 * SS, bottom + 4 * SS)
        props = (*pose.props, *frame.props)
        _draw_props(canvas, draw, props, frame.joints, view, area, front=False)
        _draw_figure(canvas, frame, view)
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
    card, card_draw = _mask((width, height))
    card_draw.rounded_rectangle((0, 0, width - 1, height - 1), radius=18 * SS, fill=255)
    edge, edge_draw = _mask((width, height))
    edge_draw.rounded_rectangle(
        (0, 0, width - 1, height - 1), radius=18 * SS, outline=255, width=2 * SS
    )
    _paint(canvas, CARD_EDGE, edge)
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


def cache_key(pose: Pose, ui: Mapping[str, str]) -> str:
    blob = json.dumps(
        {"renderer": RENDERER_VERSION, "pose": pose.raw, "ui": dict(ui)},
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
            key = cache_key(pose, library.ui)
            png = _CACHE.get(key)
            if png is None:
                png = _CACHE[key] = render_pose(pose, library.ui)
            pictures[slug] = Picture(f"{slug}.png", png, pose.alt)
        return cls(pictures)

    def __contains__(self, slug: object) -> bool:
        return slug in self._pictures

    def __iter__(self) -> Any:
        return iter(self._pictures)

    def picture(self, slug: str) -> Picture:
        """(filename, png_bytes, alt) for a stretch; KeyError for an unknown slug."""
        return self._pictures[slug]
