"""The figure in a stretch picture: head, torso and limbs of real thickness with rounded
joints, in layers (far limbs behind the body, near ones in front), and the worked area
highlighted on it. Pure Pillow drawing from a pose's joints; the card around it is
bot.pictures.cards."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from bot.pictures.geometry import Point, along, bezier, dist, lerp, sub, unit
from bot.pictures.poses import Frame, Highlight, sided, sole

SS = 2  # drawn at twice the size, then downscaled with LANCZOS for smooth edges

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


def profile(t: float) -> float:
    for (t0, w0), (t1, w1) in itertools.pairwise(TORSO_PROFILE):
        if t <= t1:
            return w0 + (w1 - w0) * (t - t0) / (t1 - t0)
    return TORSO_PROFILE[-1][1]


# --- drawing ---------------------------------------------------------------------------------


@dataclass
class View:
    """Centimetres of one frame to pixels of the supersampled canvas."""

    scale: float  # canvas pixels per cm
    ox: float
    oy: float

    def __call__(self, p: Point) -> Point:
        return self.ox + p[0] * self.scale, self.oy - p[1] * self.scale


def capsule(draw: ImageDraw.ImageDraw, a: Point, b: Point, ra: float, rb: float) -> None:
    """A limb: a tapered band with round ends, given in canvas pixels."""
    d = unit(sub(b, a))
    n = (-d[1], d[0])
    if dist(a, b) > 0.5:
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


class Figure:
    """One frame's body parts, each drawable at any outward growth (for the outline pass)."""

    def __init__(self, joints: Mapping[str, Point], view: View) -> None:
        self.j = joints
        self.view = view

    def centreline(self, part: str) -> list[Point]:
        j = self.j
        if part == "torso":
            return bezier(j["neck"], j["back"], j["hip"])
        if part == "neck":
            return [j["neck"], j["head"]]
        if part == "head":
            return [j["head"], j["head"]]
        side, limb = part.split("_", 1)
        a, b = LIMB_JOINTS[limb]
        return [j[sided(a, side)], j[sided(b, side)]]

    def draw(self, draw: ImageDraw.ImageDraw, part: str, grow: float) -> None:
        v, s, j = self.view, self.view.scale, self.j
        if part == "head":
            x, y = v(j["head"])
            r = HEAD_R * s + grow
            draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
            if "nose" in j:  # a small nose on the face's side says which way the person looks
                direction = sub(j["nose"], j["head"])
                inner = v(along(j["head"], direction, HEAD_R - 3))
                tip = v(along(j["head"], direction, HEAD_R + 0.8))
                capsule(draw, inner, tip, 2.2 * s + grow, 1.5 * s + grow)
        elif part == "neck":
            capsule(draw, v(j["neck"]), v(j["head"]), NECK_R[0] * s + grow, NECK_R[1] * s + grow)
        elif part == "torso":
            line = self.centreline("torso")
            count = len(line) - 1
            left, right = [], []
            for i, p in enumerate(line):
                a, b = line[max(0, i - 1)], line[min(count, i + 1)]
                d = unit(sub(b, a))
                half = profile(i / count) / 2
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
                r = profile(t) / 2 * s + grow
                draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
        else:
            side, limb = part.split("_", 1)
            if limb == "foot":
                self._foot(draw, side, grow)
                return
            start, end = LIMB_JOINTS[limb]
            ra, rb = LIMB_R[limb]
            capsule(
                draw,
                v(j[sided(start, side)]),
                v(j[sided(end, side)]),
                ra * s + grow,
                rb * s + grow,
            )

    def _foot(self, draw: ImageDraw.ImageDraw, side: str, grow: float) -> None:
        v, s, j = self.view, self.view.scale, self.j
        ankle, toe = j[f"{side}_ankle"], j[f"{side}_toe"]
        normal, _ = sole(j, side)
        d = unit(sub(toe, ankle))
        heel = (ankle[0] - d[0] * 3.5 + normal[0] * 2.2, ankle[1] - d[1] * 3.5 + normal[1] * 2.2)
        tip = (toe[0] - d[0] * 2.0 + normal[0] * 1.2, toe[1] - d[1] * 2.0 + normal[1] * 1.2)
        capsule(draw, v(ankle), v(tip), 3.9 * s + grow, 2.1 * s + grow)
        capsule(draw, v(heel), v(tip), 3.4 * s + grow, 2.1 * s + grow)

    def parts(self, layer: str) -> list[str]:
        if layer == "body":
            return ["torso", "neck", "head"]
        side, kind = layer.split("_")
        names = ("upper_arm", "forearm", "hand") if kind == "arm" else ("thigh", "shin", "foot")
        return [f"{side}_{name}" for name in names]


def mask(size: tuple[int, int]) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", size, 0)
    return image, ImageDraw.Draw(image)


def paint(canvas: Image.Image, colour: tuple[int, int, int], mask: Image.Image) -> None:
    box = mask.getbbox()  # only where the mask has ink: most shapes cover a small part
    if box is not None:
        canvas.paste(colour, box, mask.crop(box))


def draw_figure(canvas: Image.Image, frame: Frame, view: View) -> None:
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
    draw_layers(part, frame, View(view.scale, view.ox - box[0], view.oy - box[1]))
    canvas.paste(part, box[:2])


def draw_layers(canvas: Image.Image, frame: Frame, view: View) -> None:
    figure = Figure(frame.joints, view)
    outline = OUTLINE_PX * SS
    for layer in frame.order:
        parts = figure.parts(layer)
        if layer.startswith("far") and hidden(frame.joints, layer):
            continue
        ink, ink_draw = mask(canvas.size)
        fill, fill_draw = mask(canvas.size)
        for part in parts:
            figure.draw(ink_draw, part, outline)
            figure.draw(fill_draw, part, 0)
        paint(canvas, INK, ink)
        paint(canvas, FILL_FAR if layer.startswith("far") else FILL_NEAR, fill)
        wanted = [h for h in frame.highlight if h.part in parts]
        if wanted:
            glow = highlight_mask(canvas.size, figure, wanted, view)
            paint(canvas, WARM, ImageChops.multiply(glow, fill))


def hidden(joints: Mapping[str, Point], layer: str) -> bool:
    """Far limbs placed exactly on the near ones are hidden behind them: skip drawing them."""
    side_joints = ("elbow", "wrist", "hand") if layer.endswith("arm") else ("knee", "ankle", "toe")
    return all(joints[f"far_{name}"] == joints[f"near_{name}"] for name in side_joints)


def highlight_mask(
    size: tuple[int, int], figure: Figure, wanted: Sequence[Highlight], view: View
) -> Image.Image:
    glow, _ = mask(size)
    blur = 5 * SS
    for item in wanted:
        shape, shape_draw = mask(size)
        figure.draw(shape_draw, item.part, 0)
        band, band_draw = mask(size)
        line = [view(p) for p in portion(figure.centreline(item.part), item.start, item.end)]
        reach = 40 * view.scale
        if len(line) == 1 or dist(line[0], line[-1]) < 0.1:
            x, y = line[0]
            band_draw.ellipse((x - reach, y - reach, x + reach, y + reach), fill=255)
        elif item.side:
            # canvas y points down, so "left of travel" on paper is the canvas normal (dy, -dx)
            sign = 1 if item.side == "left" else -1
            edge = []
            for i, (x, y) in enumerate(line):
                a, b = line[max(0, i - 1)], line[min(len(line) - 1, i + 1)]
                dx, dy = unit(sub(b, a))
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


def portion(line: Sequence[Point], start: float, end: float) -> list[Point]:
    """The stretch of a polyline between two shares of its length."""
    if len(line) < 2 or (dist(line[0], line[-1]) < 1e-6 and len(line) == 2):
        return [line[0]]
    lengths = [0.0]
    for a, b in itertools.pairwise(line):
        lengths.append(lengths[-1] + dist(a, b))
    total = lengths[-1]

    def at(share: float) -> Point:
        target = share * total
        for i in range(1, len(line)):
            if lengths[i] >= target:
                span = lengths[i] - lengths[i - 1] or 1.0
                return lerp(line[i - 1], line[i], (target - lengths[i - 1]) / span)
        return line[-1]

    inner = [p for p, d in zip(line, lengths, strict=False) if start * total < d < end * total]
    return [at(start), *inner, at(end)]
