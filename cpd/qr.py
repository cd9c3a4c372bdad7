"""A QR code as inline SVG, for the on-the-day evaluation's link shown in the room. `qrcode` is the library
allauth.mfa already installs for its authenticator setup; its SVG output needs no image library."""

import qrcode
import qrcode.image.svg
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def qr_svg(text: str, *, label: str) -> SafeString:
    """An SVG image of `text` as a QR code, with `label` as its accessible name."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=4)
    svg = image.to_string(encoding="unicode")
    # The library writes only its own path data and sizes: nothing of `text` appears in the markup as text.
    svg = svg.replace("<svg ", '<svg role="img" aria-labelledby="qr-title" class="portal-qr" ', 1)
    svg = svg.replace(">", format_html('><title id="qr-title">{}</title>', label), 1)
    return mark_safe(svg)  # noqa: S308 - generated markup; the label is escaped by format_html
