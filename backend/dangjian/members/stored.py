"""The stored form of a member's ID number and mobile: every column derived from the clear value.

AES-GCM ciphertext (the value itself, decrypted only for the audited reveal, a full export or the
member's own record), a keyed blind index (exact look-up, uniqueness), the last 4 (search) and
the masked form the roster shows by default (ROLES.md rule of access 3). The masked form is not
secret — it is what every reader of the roster sees — so it is stored in clear: listing a page
decrypts nothing.
"""

from __future__ import annotations

from typing import Any

from dangjian.authz.masking import mask_id_number, mask_phone
from dangjian.core.crypto import PersonalDataCipher


def id_number_columns(cipher: PersonalDataCipher, number: str) -> dict[str, Any]:
    return {
        "id_number_enc": cipher.encrypt(number),
        "id_number_index": cipher.blind_index(number),
        "id_number_tail": number[-4:],
        "id_number_masked": mask_id_number(number),
    }


def mobile_columns(cipher: PersonalDataCipher, mobile: str | None) -> dict[str, Any]:
    """All None when the mobile is cleared."""
    return {
        "mobile_enc": cipher.encrypt(mobile) if mobile else None,
        "mobile_index": cipher.blind_index(mobile) if mobile else None,
        "mobile_tail": mobile[-4:] if mobile else None,
        "mobile_masked": mask_phone(mobile) if mobile else None,
    }
