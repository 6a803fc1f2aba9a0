"""Encryption at rest, the primitives: a key from the passphrase, and pieces sealed with it.

Nothing here is home-made: the key comes from argon2-cffi's
``hash_secret_raw`` (Argon2id), and every piece is sealed with
``cryptography``'s AES-256-GCM under a fresh random 96-bit nonce.

A journal's :class:`Header` says how its key is made (format version, the
Argon2id parameters, the salt) and holds a *key check*: a known constant
sealed with the key. It is written at the start of every encrypted file and
bound, byte for byte, into the associated data of every piece sealed under it,
together with a *context* (``b"journal"``, ``b"log ..."``) so a piece sealed
for one place never opens in another. A CRC-32 over the header tells a header
that is itself damaged (:class:`Damaged`) from one that is whole but does not
open with the passphrase given (:class:`WrongPassphrase`); after the key check
succeeds, any piece that fails its tag is damage. The CRC is not what keeps
out tampering (an altered header fails the key check, and then every tag):
it only tells an accident from a wrong passphrase.

No Textual, no files: :mod:`tui.store.sealed` puts this into the on-disk format.

argon2 and cryptography are imported by the functions that use them, not with
this module: a plain journal never needs them, and importing them costs a few
milliseconds of every start (tests/test_startup.py keeps them out of it).
"""

from __future__ import annotations

import os
import struct
import time
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from tui.store.errors import Damaged, JournalTooNew, StoreError, WrongPassphrase

MAGIC = b"failforward encrypted\n"  # never the "{" a plain journal starts with
FORMAT_VERSION = 1
KDF_ARGON2ID = 1  # Argon2id, version 1.3 (0x13), argon2-cffi's default
AEAD_AES_256_GCM = 1
SALT_BYTES = 16
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_CHECK = b"failforward key check, format 1."
KEY_CHECK_CONTEXT = b"key check"

# Key parameters. A new journal gets MIN_TIME_COST or more passes over DEFAULT_MEMORY_KIB
# (RFC 9106's second recommended setting: 64 MiB, 3 passes, is the floor), as many as take
# about CALIBRATION_TARGET seconds here. The read limits refuse a header that would make
# opening take minutes or gigabytes (only a tampered one can ask for that).
DEFAULT_MEMORY_KIB = 64 * 1024
MIN_TIME_COST = 3
MAX_CALIBRATED_TIME_COST = 40
CALIBRATION_TARGET = 0.5
MAX_TIME_COST = 100
MAX_MEMORY_KIB = 1024 * 1024
MAX_PARALLELISM = 16

_PREFIX = struct.Struct(">BH")  # format version, header length in bytes (CRC included)
_PARAMS = struct.Struct(f">BIIH{SALT_BYTES}sB")  # KDF id, time cost, memory (KiB), parallelism, salt, AEAD id
_CRC = struct.Struct(">I")
CHECK_BYTES = NONCE_BYTES + len(KEY_CHECK) + TAG_BYTES
HEADER_BYTES = len(MAGIC) + _PREFIX.size + _PARAMS.size + CHECK_BYTES + _CRC.size


@dataclass(frozen=True)
class KdfParams:
    """Argon2id's cost: passes over the memory, the memory in KiB, and the lanes."""

    time_cost: int
    memory_cost: int
    parallelism: int = 1

    def within_limits(self) -> bool:
        """Whether opening with these costs is reasonable (1 pass to MAX_TIME_COST, up to 1 GiB)."""
        return (
            1 <= self.time_cost <= MAX_TIME_COST
            and 1 <= self.parallelism <= MAX_PARALLELISM
            and 8 * self.parallelism <= self.memory_cost <= MAX_MEMORY_KIB
        )


@dataclass(frozen=True)
class Header:
    """How a journal's key is made, and a check that a key is that key; written before every sealed file."""

    kdf: KdfParams
    salt: bytes
    check: bytes  # KEY_CHECK sealed with the key under ``authenticated``

    @property
    def authenticated(self) -> bytes:
        """The header up to the key check: what the key check is sealed under."""
        return _authenticated(self.kdf, self.salt)

    def to_bytes(self) -> bytes:
        """The header as written, always the same bytes for the same header (the associated data of every piece)."""
        body = self.authenticated + self.check
        return body + _CRC.pack(zlib.crc32(body))

    @classmethod
    def parse(cls, raw: bytes) -> Header:
        """The header at the start of ``raw``.

        Raises :class:`Damaged` when ``raw`` does not start with an encrypted
        header, or the header is cut short, damaged or out of limits, and
        ``JournalTooNew`` for a whole header of a format this version does not know.
        """
        if not raw.startswith(MAGIC):
            raise Damaged("it is not an encrypted failforward file")
        start = len(MAGIC)
        if len(raw) < start + _PREFIX.size:
            raise Damaged("its encryption header is cut short")
        version, length = _PREFIX.unpack_from(raw, start)
        if length < start + _PREFIX.size + _CRC.size or len(raw) < length:
            raise Damaged("its encryption header is cut short or damaged")
        body = raw[: length - _CRC.size]
        if _CRC.unpack_from(raw, length - _CRC.size)[0] != zlib.crc32(body):
            raise Damaged("its encryption header is damaged")
        if version != FORMAT_VERSION:
            raise JournalTooNew(
                f"this journal was encrypted by a newer failforward (format {version}, "
                f"this one knows {FORMAT_VERSION}); upgrade failforward"
            )
        if length != HEADER_BYTES:
            raise Damaged("its encryption header has the wrong length")
        kdf_id, time_cost, memory_cost, parallelism, salt, aead_id = _PARAMS.unpack_from(raw, start + _PREFIX.size)
        if kdf_id != KDF_ARGON2ID or aead_id != AEAD_AES_256_GCM:
            raise JournalTooNew("this journal uses an encryption this failforward does not know; upgrade failforward")
        kdf = KdfParams(time_cost, memory_cost, parallelism)
        if not kdf.within_limits():
            raise Damaged("its key parameters are out of range")
        check_at = start + _PREFIX.size + _PARAMS.size
        return cls(kdf, salt, raw[check_at : check_at + CHECK_BYTES])


def _authenticated(kdf: KdfParams, salt: bytes) -> bytes:
    params = _PARAMS.pack(KDF_ARGON2ID, kdf.time_cost, kdf.memory_cost, kdf.parallelism, salt, AEAD_AES_256_GCM)
    return MAGIC + _PREFIX.pack(FORMAT_VERSION, HEADER_BYTES) + params


def is_encrypted(raw: bytes) -> bool:
    """Whether ``raw`` starts like an encrypted file (its header may still be damaged)."""
    return raw.startswith(MAGIC)


def derive_key(passphrase: str, kdf: KdfParams, salt: bytes) -> bytes:
    """The 256-bit key: Argon2id over the passphrase (Unicode NFC, UTF-8) and the salt.

    NFC makes a passphrase typed on a terminal that composes accents differently
    give the same key. Raises StoreError when the memory cannot be had.
    """
    from argon2.exceptions import HashingError
    from argon2.low_level import Type, hash_secret_raw

    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    try:
        return hash_secret_raw(
            secret, salt, kdf.time_cost, kdf.memory_cost, kdf.parallelism, KEY_BYTES, Type.ID, version=0x13
        )
    except HashingError as exc:
        raise StoreError(f"cannot make the key from the passphrase: {exc}") from None


def _associated(header_bytes: bytes, context: bytes) -> bytes:
    return struct.pack(">H", len(context)) + context + header_bytes  # length first: no two pairs give the same bytes


def seal(key: bytes, header_bytes: bytes, plaintext: bytes, context: bytes) -> bytes:
    """``plaintext`` sealed: a fresh random nonce, then AES-256-GCM's ciphertext and tag.

    The header and the context are authenticated with it (associated data):
    the piece opens only under the same header and for the same context.
    """
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, _associated(header_bytes, context))


def unseal(key: bytes, header_bytes: bytes, sealed: bytes | memoryview, context: bytes) -> bytes:
    """The plaintext of a sealed piece; raises :class:`Damaged` if any byte of it, the header or the context differs."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(sealed) < NONCE_BYTES + TAG_BYTES:
        raise Damaged("its encrypted contents are cut short")
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], _associated(header_bytes, context))
    except InvalidTag:
        raise Damaged("its encrypted contents fail their integrity check (damaged or altered)") from None


def key_fits(key: bytes, header: Header) -> bool:
    """Whether ``key`` opens the header's key check."""
    try:
        return unseal(key, header.authenticated, header.check, KEY_CHECK_CONTEXT) == KEY_CHECK
    except Damaged:
        return False


def new_header(passphrase: str, kdf: KdfParams | None = None) -> tuple[Header, bytes]:
    """A header with a fresh salt for ``passphrase``, and its key; ``kdf`` by default is :func:`calibrate`'s."""
    if not passphrase:
        raise StoreError("the passphrase is empty")
    kdf = kdf or calibrate()
    if not kdf.within_limits():
        raise StoreError("the key parameters are out of range")
    salt = os.urandom(SALT_BYTES)
    key = derive_key(passphrase, kdf, salt)
    check = seal(key, _authenticated(kdf, salt), KEY_CHECK, KEY_CHECK_CONTEXT)
    return Header(kdf, salt, check), key


def unlock(passphrase: str, header: Header) -> bytes:
    """The key ``passphrase`` makes under ``header``; raises :class:`WrongPassphrase` when it is not the journal's."""
    key = derive_key(passphrase, header.kdf, header.salt)
    if not key_fits(key, header):
        raise WrongPassphrase()
    return key


def _time_one(kdf: KdfParams) -> float:
    start = time.perf_counter()
    derive_key("calibration", kdf, os.urandom(SALT_BYTES))
    return time.perf_counter() - start


def calibrate(
    target: float = CALIBRATION_TARGET,
    *,
    memory_cost: int = DEFAULT_MEMORY_KIB,
    parallelism: int = 1,
    measure: Callable[[KdfParams], float] = _time_one,
) -> KdfParams:
    """Argon2id costs that take about ``target`` seconds on this machine, never below the floor.

    Memory stays at ``memory_cost`` (so a journal opens on a small remote box
    too); the passes grow from MIN_TIME_COST in proportion to one timed run,
    up to MAX_CALIBRATED_TIME_COST. Run once, when a journal is encrypted;
    the result is stored in its header.
    """
    floor = KdfParams(MIN_TIME_COST, memory_cost, parallelism)
    elapsed = measure(floor)
    if elapsed <= 0 or elapsed >= target:
        return floor
    passes = round(MIN_TIME_COST * target / elapsed)
    return KdfParams(max(MIN_TIME_COST, min(MAX_CALIBRATED_TIME_COST, passes)), memory_cost, parallelism)
