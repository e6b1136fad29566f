"""A deterministic set of camera-like 1280x720 frames with QR codes, for the scanning benchmark.

Codes are made with segno (not one of the libraries under test), printed on a light "paper"
rectangle placed on a cluttered or plain desk, then put through one distortion each, on top of a
mild camera baseline (slight blur and sensor noise):

  clean (3-6 px a module), small_modules (1.4-2.2 px), blur (sigma 1.2-2.2 px), noise (sigma
  20-40 levels), rotation (any angle), perspective (corners moved up to 18 %), low_contrast
  (15-45 levels between ink and paper), jpeg (quality 5-25), glare (a bright reflection over
  65-95 % of the way to white at its centre, on part of the code), clutter (a busy desk).

Payloads cycle through Khmer names and places in UTF-8 byte mode without an ECI marker, ID card
zones (TD1, three lines) and signed FieldReg receipts (version 10 at error correction M).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image, ImageDraw, ImageFilter

from fieldreg.gazetteer import load_gazetteer
from fieldreg.receipts import receipt
from fieldreg.scanning.mrz import check_digit
from fieldreg.store.device_identity import DeviceCertificate, DeviceIdentity, public_bytes

FRAME = (1280, 720)
DISTORTIONS = (
    "clean",
    "small_modules",
    "blur",
    "noise",
    "rotation",
    "perspective",
    "low_contrast",
    "jpeg",
    "glare",
    "clutter",
)
PAYLOAD_KINDS = ("khmer", "mrz", "receipt")
QUIET = 4
# Pixels per module in the frame: a 57-module receipt QR is 170-340 px wide at 3-6.
MODULE_PX = {"small_modules": (1.4, 2.2), "rotation": (2.5, 5.0), "clutter": (2.5, 5.0)}


@dataclass(frozen=True, slots=True)
class Sample:
    path: Path
    distortion: str
    payload_kind: str
    payload: bytes


def generate(directory: Path, per_distortion: int, seed: int = 2026) -> list[Sample]:
    """`per_distortion` images of each distortion, written into `directory`."""
    rng = random.Random(seed)
    payloads = _Payloads(rng)
    samples = []
    for distortion in DISTORTIONS:
        for index in range(per_distortion):
            kind = PAYLOAD_KINDS[index % len(PAYLOAD_KINDS)]
            payload = payloads.make(kind)
            frame_rng = np.random.default_rng(rng.getrandbits(64))
            image = _frame(payload, distortion, rng, frame_rng)
            path = directory / f"{distortion}-{index:03d}-{kind}.{_suffix(distortion)}"
            _save(image, path, distortion, rng)
            samples.append(Sample(path, distortion, kind, payload))
    return samples


def _suffix(distortion: str) -> str:
    return "jpg" if distortion == "jpeg" else "png"


def _save(image: Image.Image, path: Path, distortion: str, rng: random.Random) -> None:
    if distortion == "jpeg":
        image.save(path, format="JPEG", quality=rng.randint(5, 25))
    else:
        image.save(path, format="PNG", compress_level=1)


# -- payloads -------------------------------------------------------------------------------


class _Payloads:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        gazetteer = load_gazetteer()
        villages = gazetteer.search("ភ", level="village", limit=400)
        villages += gazetteer.search("ក", level="village", limit=400)
        self.khmer_names = [p.name_km for p in villages]
        self.identities = [self._identity() for _ in range(4)]

    def _identity(self) -> DeviceIdentity:
        hub = Ed25519PrivateKey.from_private_bytes(self.rng.randbytes(32))
        device = Ed25519PrivateKey.from_private_bytes(self.rng.randbytes(32))
        device_id = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        certificate = DeviceCertificate.issue(hub, device_id, public_bytes(device.public_key()))
        return DeviceIdentity(device_id, device, certificate)

    def make(self, kind: str) -> bytes:
        if kind == "khmer":
            words = self.rng.sample(self.khmer_names, self.rng.randint(2, 4))
            return " ".join(words).encode("utf-8")
        if kind == "mrz":
            return _td1_zone(self.rng).encode("ascii")
        registration_id = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        date = dt.date(2026, 1, 1) + dt.timedelta(days=self.rng.randint(0, 365))
        identity = self.rng.choice(self.identities)
        initials = "".join(self.rng.choices("ABCDEFGHKLMNPRSTV", k=self.rng.randint(1, 3)))
        return receipt.make_payload(identity, registration_id, date, initials).encode("ascii")


def _td1_zone(rng: random.Random) -> str:
    number = f"{rng.randint(0, 999_999_999):09d}"
    birth = f"{rng.randint(50, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    expiry = f"{rng.randint(26, 35):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    line1 = f"IDKHM{number}{check_digit(number)}".ljust(30, "<")
    line2 = f"{birth}{check_digit(birth)}{rng.choice('FM')}{expiry}{check_digit(expiry)}KHM"
    line2 = line2.ljust(29, "<")
    line2 += check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    surname = rng.choice(["SOK", "CHAN", "KIM", "HENG", "LY", "MEAS", "PHAN"])
    given = rng.choice(["DARA", "SOPHEA", "VANNA", "SREYNEANG", "BOPHA", "RITHY"])
    line3 = f"{surname}<<{given}".ljust(30, "<")
    return "\n".join([line1, line2, line3])


# -- frames ---------------------------------------------------------------------------------


def _code_patch(payload: bytes, module_px: float, paper: int, ink: int) -> Image.Image:
    """The code, antialiased at a fractional module size, on a paper margin."""
    text_or_bytes: str | bytes = payload if not payload.isascii() else payload.decode("ascii")
    code = segno.make(text_or_bytes, error="m", micro=False, boost_error=False)
    matrix = np.array(code.matrix, dtype=bool)
    matrix = np.pad(matrix, QUIET, constant_values=False)
    fine = np.kron(matrix, np.ones((8, 8), dtype=bool))
    size = max(8, round(matrix.shape[0] * module_px))
    big = Image.fromarray(np.where(fine, ink, paper).astype(np.uint8), mode="L")
    patch = big.resize((size, size), Image.Resampling.BOX)
    margin = round(size * 0.15)
    sheet = Image.new("L", (size + 2 * margin, size + 2 * margin), paper)
    sheet.paste(patch, (margin, margin))
    return sheet


def _background(rng: random.Random, frame_rng: np.random.Generator, cluttered: bool) -> Image.Image:
    level = rng.randint(70, 170)
    base = frame_rng.normal(level, 6, (FRAME[1] // 8, FRAME[0] // 8)).clip(0, 255)
    image = Image.fromarray(base.astype(np.uint8), mode="L").resize(FRAME, Image.Resampling.BICUBIC)
    if cluttered:
        _clutter(image, rng)
    return image


def _clutter(image: Image.Image, rng: random.Random) -> None:
    """Papers, cables, printed text and barcode-like stripes around the code."""
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(25, 45)):
        x, y = rng.randrange(FRAME[0]), rng.randrange(FRAME[1])
        shade = rng.randint(0, 255)
        shape = rng.random()
        if shape < 0.3:
            draw.rectangle([x, y, x + rng.randint(20, 250), y + rng.randint(10, 180)], fill=shade)
        elif shape < 0.55:
            end = (rng.randrange(FRAME[0]), rng.randrange(FRAME[1]))
            draw.line([(x, y), end], fill=shade, width=rng.randint(1, 6))
        elif shape < 0.8:
            words = "".join(rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 <", k=30))
            draw.text((x, y), words, fill=shade)
        else:
            for stripe in range(rng.randint(8, 20)):
                sx = x + stripe * rng.randint(3, 7)
                draw.rectangle([sx, y, sx + rng.randint(1, 3), y + 40], fill=shade)


Box = tuple[int, int, int, int]


def _place(frame: Image.Image, patch: Image.Image, mask: Image.Image, rng: random.Random) -> Box:
    """Paste the sheet somewhere in the frame; returns its box (x, y, width, height)."""
    x = rng.randint(0, max(0, FRAME[0] - patch.width))
    y = rng.randint(0, max(0, FRAME[1] - patch.height))
    frame.paste(patch, (x, y), mask)
    return x, y, patch.width, patch.height


def _perspective_coefficients(
    source: list[tuple[float, float]], target: list[tuple[float, float]]
) -> list[float]:
    """PIL's 8 coefficients mapping output (target) points back to input (source) points."""
    rows = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    rhs = [coordinate for point in source for coordinate in point]
    return [float(c) for c in np.linalg.solve(np.array(rows, float), np.array(rhs, float))]


def _warp(
    patch: Image.Image, rng: random.Random, strength: float
) -> tuple[Image.Image, Image.Image]:
    w, h = patch.size
    corners = [(0.0, 0.0), (float(w), 0.0), (float(w), float(h)), (0.0, float(h))]
    moved = [
        (x + rng.uniform(-strength, strength) * w, y + rng.uniform(-strength, strength) * h)
        for x, y in corners
    ]
    xs, ys = [p[0] for p in moved], [p[1] for p in moved]
    shift = [(x - min(xs), y - min(ys)) for x, y in moved]
    size = (round(max(xs) - min(xs)), round(max(ys) - min(ys)))
    coefficients = _perspective_coefficients(corners, shift)
    warped = patch.transform(
        size, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BILINEAR
    )
    mask = Image.new("L", patch.size, 255).transform(
        size, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BILINEAR
    )
    return warped, mask


def _frame(
    payload: bytes, distortion: str, rng: random.Random, frame_rng: np.random.Generator
) -> Image.Image:
    module = rng.uniform(*MODULE_PX.get(distortion, (3.0, 6.0)))
    paper, ink = rng.randint(205, 250), rng.randint(5, 50)
    if distortion == "low_contrast":
        ink = paper - rng.randint(15, 45)
    patch = _code_patch(payload, module, paper, ink)
    mask = Image.new("L", patch.size, 255)
    if distortion == "rotation":
        angle = rng.uniform(0, 360)
        patch = patch.rotate(angle, Image.Resampling.BILINEAR, expand=True)
        mask = mask.rotate(angle, Image.Resampling.BILINEAR, expand=True)
    elif distortion == "perspective":
        patch, mask = _warp(patch, rng, 0.18)
    frame = _background(rng, frame_rng, cluttered=distortion == "clutter")
    box = _place(frame, patch, mask, rng)
    return _camera(frame, box, distortion, rng, frame_rng)


def _camera(
    frame: Image.Image,
    box: Box,
    distortion: str,
    rng: random.Random,
    frame_rng: np.random.Generator,
) -> Image.Image:
    """Lens blur and sensor noise: mild for every frame, strong for the matching distortion."""
    blur = rng.uniform(1.2, 2.2) if distortion == "blur" else rng.uniform(0.3, 0.6)
    frame = frame.filter(ImageFilter.GaussianBlur(blur))
    pixels = np.asarray(frame, dtype=np.float32)
    if distortion == "glare":
        pixels = _glare(pixels, box, rng)
    sigma = rng.uniform(20, 40) if distortion == "noise" else rng.uniform(1.5, 4.0)
    pixels = pixels + frame_rng.normal(0, sigma, pixels.shape)
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8), mode="L")


def _glare(pixels: np.ndarray, box: Box, rng: random.Random) -> np.ndarray:
    """A soft bright reflection over part of the code (a lamp on glossy paper or a card)."""
    height, width = pixels.shape
    x, y, w, h = box
    cx, cy = x + rng.uniform(0.2, 0.8) * w, y + rng.uniform(0.2, 0.8) * h
    radius = rng.uniform(0.15, 0.35) * max(w, h)
    yy, xx = np.mgrid[0:height, 0:width]
    falloff = np.exp(-(((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * radius**2)))
    strength = rng.uniform(0.65, 0.95)
    return pixels + (255 - pixels) * falloff * strength


def load_arrays(samples: list[Sample]) -> Iterator[tuple[Sample, np.ndarray]]:
    for sample in samples:
        with Image.open(sample.path) as image:
            yield sample, np.asarray(image.convert("L"))
