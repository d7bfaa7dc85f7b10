"""QR codes as PNG data URIs (qrcode + Pillow)."""

from __future__ import annotations

import base64
import io

import qrcode
from qrcode.image.pil import PilImage


class PillowQrCodeRenderer:
    def png_data_uri(self, text: str) -> str:
        qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6,
                           border=4, image_factory=PilImage)
        qr.add_data(text)
        qr.make(fit=True)
        buffer = io.BytesIO()
        qr.make_image().save(buffer, format="PNG")
        return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
