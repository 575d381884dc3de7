"""Personal data at rest: AES-GCM encryption plus a keyed blind index (HMAC-SHA256).

The blind index allows exact-match look-up and uniqueness without storing the clear value.
Both keys are derived from the one personal-data key in settings (HKDF with distinct labels).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_VERSION = b"v1"


def _derive(master: str, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(master.encode())


class PersonalDataCipher:
    def __init__(self, master_key: str) -> None:
        self._aead = AESGCM(_derive(master_key, b"dangjian-pd-enc"))
        self._mac_key = _derive(master_key, b"dangjian-pd-index")

    def encrypt(self, value: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, value.encode(), _VERSION)
        return _VERSION.decode() + ":" + base64.urlsafe_b64encode(nonce + sealed).decode()

    def decrypt(self, token: str) -> str:
        version, _, body = token.partition(":")
        raw = base64.urlsafe_b64decode(body.encode())
        return self._aead.decrypt(raw[:12], raw[12:], version.encode()).decode()

    def blind_index(self, value: str) -> str:
        normalised = value.strip().upper()
        return hmac.new(self._mac_key, normalised.encode(), hashlib.sha256).hexdigest()
