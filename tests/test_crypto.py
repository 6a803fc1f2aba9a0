"""Encryption's primitives: the key from the passphrase, the header, sealed pieces, damage versus a wrong passphrase."""

from __future__ import annotations

import struct
import unicodedata
import zlib

import pytest

from tui.store import Damaged, JournalTooNew, StoreError, WrongPassphrase
from tui.store import crypto as crypto_module
from tui.store.crypto import (
    HEADER_BYTES,
    MIN_TIME_COST,
    Header,
    KdfParams,
    calibrate,
    key_fits,
    new_header,
    seal,
    unlock,
    unseal,
)
from tui.store.sealed import EncryptedCodec

from .conftest import FAST_KDF, TEST_PASSPHRASE


@pytest.fixture(scope="module")
def keyed() -> tuple[Header, bytes]:
    return new_header(TEST_PASSPHRASE, FAST_KDF)


def flipped(raw: bytes, i: int, mask: int = 0xFF) -> bytes:
    out = bytearray(raw)
    out[i] ^= mask
    return bytes(out)


def test_seal_round_trips_with_a_fresh_nonce_each_time(keyed: tuple[Header, bytes]) -> None:
    header, key = keyed
    hb = header.to_bytes()
    first, second = seal(key, hb, b"my words", b"journal"), seal(key, hb, b"my words", b"journal")
    assert first[:12] != second[:12] and first != second  # same words, same key: never the same bytes
    assert b"my words" not in first
    assert unseal(key, hb, first, b"journal") == unseal(key, hb, second, b"journal") == b"my words"


def test_a_piece_opens_only_for_its_own_context_header_and_key(keyed: tuple[Header, bytes]) -> None:
    header, key = keyed
    hb = header.to_bytes()
    sealed = seal(key, hb, b"a save", b"log 0123abcd")
    with pytest.raises(Damaged):
        unseal(key, hb, sealed, b"journal")  # a log line is never taken for a journal file
    other_header, other_key = new_header(TEST_PASSPHRASE, FAST_KDF)
    with pytest.raises(Damaged):
        unseal(key, other_header.to_bytes(), sealed, b"log 0123abcd")
    with pytest.raises(Damaged):
        unseal(other_key, hb, sealed, b"log 0123abcd")
    for i in range(len(sealed)):  # nonce, ciphertext or tag: any byte changed is caught
        with pytest.raises(Damaged, match="integrity check"):
            unseal(key, hb, flipped(sealed, i), b"log 0123abcd")
    with pytest.raises(Damaged, match="cut short"):
        unseal(key, hb, sealed[:20], b"log 0123abcd")


def test_the_header_is_the_same_bytes_every_time_and_reads_back(keyed: tuple[Header, bytes]) -> None:
    header, _ = keyed
    raw = header.to_bytes()
    assert len(raw) == HEADER_BYTES and raw == header.to_bytes()
    assert raw.startswith(b"failforward encrypted\n")
    assert Header.parse(raw + b"anything after") == header


def test_every_flipped_byte_of_a_header_is_damage(keyed: tuple[Header, bytes]) -> None:
    header, _ = keyed
    raw = header.to_bytes()
    for i in range(len(raw)):
        for mask in (0x01, 0x80, 0xFF):
            with pytest.raises(Damaged):
                Header.parse(flipped(raw, i, mask))
    for cut in range(len(raw)):
        with pytest.raises(Damaged):
            Header.parse(raw[:cut])


def test_a_wrong_passphrase_is_told_apart_from_damage(keyed: tuple[Header, bytes]) -> None:
    header, key = keyed
    assert unlock(TEST_PASSPHRASE, header) == key
    with pytest.raises(WrongPassphrase) as info:
        unlock("not the passphrase", header)
    assert str(info.value) == "wrong passphrase"
    assert not key_fits(bytes(32), header)


def test_every_flipped_byte_of_a_small_journal_file(keyed: tuple[Header, bytes]) -> None:
    """With the right passphrase any flip is damage; with a wrong one a whole header says so, never more."""
    header, key = keyed
    codec = EncryptedCodec(key, header)
    good = codec.encode({"setbacks": {"1": {"title": "a small journal"}}})
    assert codec.decode(good) == {"setbacks": {"1": {"title": "a small journal"}}}
    for i in range(len(good)):
        bad = flipped(good, i)
        with pytest.raises(Damaged):  # never WrongPassphrase, never a journal of garbage
            EncryptedCodec.unlock(TEST_PASSPHRASE, Header.parse(bad)).decode(bad)
        with pytest.raises(Damaged):  # the codec of the journal, already unlocked, reads it the same
            codec.decode(bad)
        if i < HEADER_BYTES:
            with pytest.raises(Damaged):
                Header.parse(bad)
        else:  # the header is whole: a wrong passphrase is found out before the damage is
            with pytest.raises(WrongPassphrase):
                EncryptedCodec.unlock("not the passphrase", Header.parse(bad))


def rebuilt(header: Header, **changes: int) -> bytes:
    """A header's bytes with some fields changed and the CRC made right again (as tampering could)."""
    raw = bytearray(header.to_bytes())
    at = len(crypto_module.MAGIC)
    fields = {"version": (at, ">B"), "kdf": (at + 3, ">B"), "time_cost": (at + 4, ">I"), "memory": (at + 8, ">I")}
    for name, value in changes.items():
        offset, fmt = fields[name]
        struct.pack_into(fmt, raw, offset, value)
    struct.pack_into(">I", raw, len(raw) - 4, zlib.crc32(bytes(raw[:-4])))
    return bytes(raw)


def test_a_whole_header_from_a_newer_format_asks_for_an_upgrade(keyed: tuple[Header, bytes]) -> None:
    header, _ = keyed
    with pytest.raises(JournalTooNew, match="newer failforward"):
        Header.parse(rebuilt(header, version=2))
    with pytest.raises(JournalTooNew, match="upgrade failforward"):
        Header.parse(rebuilt(header, kdf=7))


def test_costs_that_would_take_minutes_are_refused_before_any_work(keyed: tuple[Header, bytes]) -> None:
    header, _ = keyed
    with pytest.raises(Damaged, match="out of range"):
        Header.parse(rebuilt(header, memory=64 * 1024 * 1024))
    with pytest.raises(Damaged, match="out of range"):
        Header.parse(rebuilt(header, time_cost=10_000))
    tampered = Header.parse(rebuilt(header, time_cost=2))  # whole, within limits: a different key, not damage
    with pytest.raises(WrongPassphrase):
        unlock(TEST_PASSPHRASE, tampered)


def test_the_same_passphrase_composed_either_way_opens_the_journal() -> None:
    composed = "caf\u00e9 au lait"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    h, k = new_header(composed, FAST_KDF)
    assert unlock(decomposed, h) == k


def test_an_empty_passphrase_is_refused() -> None:
    with pytest.raises(StoreError, match="empty"):
        new_header("", FAST_KDF)


def test_calibration_scales_the_passes_to_the_target_and_keeps_the_floor() -> None:
    def timed(seconds: float) -> KdfParams:
        return calibrate(0.5, measure=lambda kdf: seconds * kdf.time_cost / MIN_TIME_COST)

    fast = timed(0.1)  # 3 passes in 0.1 s here: 15 passes make about 0.5 s
    assert (fast.time_cost, fast.memory_cost, fast.parallelism) == (15, 64 * 1024, 1)
    assert timed(0.9).time_cost == MIN_TIME_COST  # a slow machine never goes below the floor
    assert timed(0.0001).time_cost == crypto_module.MAX_CALIBRATED_TIME_COST  # nor above the cap
    assert fast.within_limits()


def test_calibration_on_this_machine_meets_the_floor() -> None:
    """One real calibration at a small memory (the default is 64 MiB): the result is within the read limits."""
    kdf = calibrate(0.05, memory_cost=1024)
    assert kdf.time_cost >= MIN_TIME_COST and kdf.memory_cost == 1024 and kdf.within_limits()
