"""Stretch poses: data/poses.toml read and checked (the plane geometry it shares with the
drawing is bot.pictures.cards.geometry). Pure (no Discord, no Pillow).

A pose is a figure's joint positions in centimetres, seen from the side (x to the right, y up,
the floor at y = 0), plus props, arrows and the worked area. Positions are checked at load
against an adult's bone lengths and joint ranges, so a typo cannot draw a shin twice as long or
a knee bent backwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.content.files import ContentError, read_toml
from bot.content.messages import Messages, file_texts
from bot.pictures.geometry import Point, along, angle_between, cross, dist, lerp, sub, unit

ALT_LIMIT = 1024  # Discord's limit for an attachment's description


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
class FrameLabels:
    """The words over a two-frame picture's frames: plain strings, for the drawing code."""

    start: str
    end: str


@dataclass(frozen=True)
class PoseLibrary:
    poses: dict[str, Pose]
    labels: FrameLabels


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
                pairs += [(sided(a, side), sided(b, side)) for side in ("near", "far")]
            for ja, jb in dict.fromkeys(pairs):
                actual = dist(joints[ja], joints[jb])
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
            shin, foot, thigh = sub(ankle, knee), sub(toe, ankle), sub(hip, knee)
            bend = 180 - angle_between(shin, thigh)
            # a knee that flexes has the thigh and the toes on opposite sides of the shin
            if bend > KNEE_STRAIGHT and cross(shin, foot) * cross(shin, thigh) > 0:
                raise self.fail(f"{where}.{side}_knee", "bends the wrong way")
            ankle_angle = angle_between(shin, foot)
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


def sided(joint: str, side: str) -> str:
    return f"{side}_{joint}" if joint in SIDED else joint


def _complete(joints: dict[str, Point]) -> dict[str, Point]:
    """Fill in the optional joints: a straight back, a hand in line, far limbs behind near ones."""
    out = dict(joints)
    if "back" not in out:
        out["back"] = lerp(out["neck"], out["hip"], 0.5)
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
                out[key] = along(wrist, sub(wrist, elbow), BONES[("wrist", "hand")])
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
        if dist(arrow.start, arrow.end) < 8:
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
    raw = read_toml(path)
    texts = Messages(file_texts(path))
    try:
        labels = FrameLabels(start=texts("poses.ui.start"), end=texts("poses.ui.end"))
    except KeyError as exc:
        raise ContentError(f"{path.name}: [ui] needs the texts start and end") from exc
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
    return PoseLibrary(poses, labels)


def sole(joints: Mapping[str, Point], side: str) -> tuple[Point, Point]:
    """The unit normal on the sole's side of the foot, and the ball of the foot under it."""
    ankle, toe, knee = joints[f"{side}_ankle"], joints[f"{side}_toe"], joints[f"{side}_knee"]
    d = unit(sub(toe, ankle))
    normal = (d[1], -d[0])
    to_knee = sub(knee, ankle)
    if normal[0] * to_knee[0] + normal[1] * to_knee[1] > 0:
        normal = (-normal[0], -normal[1])
    ball = lerp(ankle, toe, 0.72)
    return normal, (ball[0] + normal[0] * 3.5, ball[1] + normal[1] * 3.5)


def resolve(joints: Mapping[str, Point], value: Any) -> Point:
    if isinstance(value, str):
        if value.endswith("_sole"):
            return sole(joints, value.removesuffix("_sole"))[1]
        return joints[value]
    return float(value[0]), float(value[1])
