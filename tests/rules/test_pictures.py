"""Every stretch has a picture: valid PNG, Discord-sized, drawn from checked pose data."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from bot.content.files import ContentError
from bot.content.library import load_library
from bot.core.settings import DEFAULT_DATA_DIR
from bot.pictures import cards as pictures
from bot.pictures import figure
from bot.pictures.cards import HEIGHT, WIDTH, StretchPictures, cache_key, render_pose
from bot.pictures.poses import ALT_LIMIT, load_poses

LIBRARY = load_library(DEFAULT_DATA_DIR)
POSES_FILE = DEFAULT_DATA_DIR / "poses.toml"
POSES = load_poses(POSES_FILE, LIBRARY.stretches)
PICTURES = StretchPictures.render_all(POSES)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LIMIT = 200 * 1024


def decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


@pytest.mark.parametrize("slug", list(LIBRARY.stretches))
def test_every_stretch_renders_a_valid_png_within_limits(slug):
    picture = PICTURES.picture(slug)
    assert picture.filename == f"{slug}.png"
    assert picture.png.startswith(PNG_SIGNATURE)
    assert len(picture.png) < LIMIT
    image = decode(picture.png)
    assert image.format == "PNG" and image.size == (WIDTH, HEIGHT) == (800, 450)
    assert image.mode == "RGBA"
    # a light card with rounded corners: the corners are clear, the inside opaque and light
    assert image.getpixel((0, 0))[3] == 0
    assert image.getpixel((WIDTH // 2, 6))[3] == 255
    assert sum(image.getpixel((WIDTH // 2, 6))[:3]) > 3 * 230


@pytest.mark.parametrize("slug", list(LIBRARY.stretches))
def test_every_picture_shows_a_figure_a_highlight_and_a_movement(slug):
    image = decode(PICTURES.picture(slug).png).convert("RGB")
    colours = {colour for _, colour in image.getcolors(maxcolors=WIDTH * HEIGHT)}

    def near(target, tolerance=18):
        return any(
            all(abs(c - t) <= tolerance for c, t in zip(colour, target, strict=True))
            for colour in colours
        )

    assert near(figure.INK), "no outline drawn"
    assert near(figure.FILL_NEAR), "no figure drawn"
    assert any(r > g + 40 and r > b + 60 for r, g, b in colours), "no worked area highlighted"
    pose = POSES.poses[slug]
    if any(frame.arrows for frame in pose.frames):
        assert near(figure.ARROW), "the arrow is missing"


@pytest.mark.parametrize("slug", list(LIBRARY.stretches))
def test_every_picture_has_alt_text_for_screen_readers(slug):
    alt = PICTURES.picture(slug).alt
    assert 60 <= len(alt) <= ALT_LIMIT
    assert "highlighted" in alt  # says which area the colour marks


def test_drawing_is_deterministic():
    pose = POSES.poses["knee-to-chest"]
    assert render_pose(pose, POSES.labels) == render_pose(pose, POSES.labels)


def test_pictures_are_cached_by_their_pose_data(monkeypatch):
    drawn = []
    monkeypatch.setattr(pictures, "render_pose", lambda pose, labels: drawn.append(pose) or b"png")
    StretchPictures.render_all(POSES)
    assert drawn == []  # every pose was drawn once, above, already
    pose = POSES.poses["cat-cow"]
    before = cache_key(pose, POSES.labels)
    monkeypatch.setattr(pictures, "RENDERER_VERSION", pictures.RENDERER_VERSION + 1)
    assert cache_key(pose, POSES.labels) != before
    StretchPictures.render_all(POSES)
    assert len(drawn) == len(POSES.poses)  # a new renderer draws everything again


def test_every_stretch_has_a_pose_and_every_pose_a_stretch():
    assert set(POSES.poses) == set(LIBRARY.stretches)
    with pytest.raises(ContentError, match=r"poses.toml: stretch 'new-one' has no pose"):
        load_poses(POSES_FILE, [*LIBRARY.stretches, "new-one"])
    with pytest.raises(ContentError, match=r"\[pose.glute-bridge\] names no stretch"):
        load_poses(POSES_FILE, [s for s in LIBRARY.stretches if s != "glute-bridge"])


def write_poses(tmp_path: Path, old: str, new: str) -> Path:
    text = POSES_FILE.read_text()
    assert old in text, old
    path = tmp_path / "poses.toml"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # a shin 60 cm long: the lengths are an adult's
        ("near_ankle = [140.4, 8]", "near_ankle = [160.4, 0]", r"'knee-to-chest'.*near_ankle.*cm"),
        # the straightened knee pushed 25° past straight: same bones, bent backwards
        (
            "near_knee = [79, 53]\nnear_ankle = [121, 53]",
            "near_knee = [79, 45]\nnear_ankle = [121, 53]",
            r"'nerve-glide': field 'frame\[1\].joints.near_knee' bends the wrong way",
        ),
        ("near_toe = [157, 1.5]", "near_toe = [134, 24]", r"near_toe' makes a \d+° ankle"),
        ("near_wrist = [97, 5]\n", "", r"near_wrist' is missing"),
        ("nose = [19, 24]", "nosee = [19, 24]", r"nosee' is not a joint"),
        ('{ part = "torso", from = 0.55', '{ part = "belly", from = 0.55', r"part' must be"),
        ('kind = "mat"', 'kind = "sofa"', r"props\[1\].kind' must be one of"),
        ("bend = 0.35", "bend = 3", r"bend' must be a number from -1 to 1"),
        ('alt = "Two drawings', 'alt = "' + "x" * 1100, r"'alt' is 1\d+ char"),
        ("head = [18, 11.5]", "head = [18, 11.5, 0]", r"head' must be \[x, y\]"),
        ('end = "End"', 'finish = "End"', r"poses\.toml: \[ui\] needs the texts start and end"),
    ],
)
def test_a_broken_pose_names_the_file_the_stretch_and_the_field(tmp_path, old, new, message):
    with pytest.raises(ContentError, match=message):
        load_poses(write_poses(tmp_path, old, new), LIBRARY.stretches)


def test_a_pose_without_a_highlight_is_refused(tmp_path):
    text = POSES_FILE.read_text()
    start = text.index("[pose.knee-to-chest]")
    end = text.index("[pose.knee-rolls]")
    section = re.sub(r"(?m)^highlight = .*\n", "", text[start:end])
    assert section != text[start:end]
    path = tmp_path / "poses.toml"
    path.write_text(text[:start] + section + text[end:])
    with pytest.raises(ContentError, match=r"'knee-to-chest': field 'highlight' is missing"):
        load_poses(path, LIBRARY.stretches)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ContentError, match=r"poses\.toml: file is missing"):
        load_poses(tmp_path / "poses.toml", LIBRARY.stretches)
