"""Plane geometry in centimetres, shared by the poses' checks and the drawing: points, distances,
directions, angles and the curves of arrows. Pure (no Discord, no Pillow)."""

from __future__ import annotations

import math

Point = tuple[float, float]


def sub(a: Point, b: Point) -> Point:
    return a[0] - b[0], a[1] - b[1]


def dist(a: Point, b: Point) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def lerp(a: Point, b: Point, t: float) -> Point:
    return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t


def cross(a: Point, b: Point) -> float:
    return a[0] * b[1] - a[1] * b[0]


def unit(v: Point) -> Point:
    length = math.hypot(*v) or 1.0
    return v[0] / length, v[1] / length


def along(origin: Point, direction: Point, distance: float) -> Point:
    u = unit(direction)
    return origin[0] + u[0] * distance, origin[1] + u[1] * distance


def angle_between(a: Point, b: Point) -> float:
    ua, ub = unit(a), unit(b)
    dot = max(-1.0, min(1.0, ua[0] * ub[0] + ua[1] * ub[1]))
    return math.degrees(math.acos(dot))


def bezier(a: Point, through: Point, b: Point, steps: int = 24) -> list[Point]:
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
