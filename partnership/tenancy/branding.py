"""Checks on a partnership's branding: readable colour, a real, modest image as logo."""

import io
import re

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

LOGO_MAX_BYTES = 1024 * 1024
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
LOGO_MAX_PIXELS = 4000 * 4000


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of white text on the colour (#RRGGBB)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)
    return 1.05 / (luminance + 0.05)


def validate_brand_colour(colour: str) -> None:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour or ""):
        return  # the format is the pattern validator's message
    ratio = contrast_with_white(colour)
    if ratio < 4.5:
        raise ValidationError(
            f"White text on {colour} has a contrast of {ratio:.1f}:1; choose a darker colour (at least 4.5:1) "
            "so that the header and buttons stay readable."
        )


def validate_logo(data: bytes) -> str:
    """The file extension to store the logo under; ValidationError if it is not a small PNG, JPEG or WebP image."""
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(f"The logo is {len(data) / 1024 / 1024:.1f} MB; it must be 1 MB or smaller.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            if image.width * image.height > LOGO_MAX_PIXELS:
                raise ValidationError("The logo is too large in pixels; use an image under 4000 x 4000.")
            image.verify()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError("The logo must be a PNG, JPEG or WebP image; this file is not one.") from error
    if kind not in LOGO_FORMATS:
        raise ValidationError(f"The logo is a {kind} image; use PNG, JPEG or WebP.")
    return LOGO_FORMATS[kind]
