"""The words the calling display speaks, in Bahasa Indonesia (no cloud service: the
browser's own speech synthesis reads this text)."""

from __future__ import annotations

_DIGITS = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]
_LETTERS = {
    "A": "A",
    "B": "B",
    "C": "C",
    "D": "D",
    "E": "E",
    "F": "F",
    "G": "G",
    "H": "H",
    "I": "I",
    "J": "J",
    "K": "K",
    "L": "L",
    "M": "M",
    "N": "N",
    "O": "O",
    "P": "P",
    "Q": "Q",
    "R": "R",
    "S": "S",
    "T": "T",
    "U": "U",
    "V": "V",
    "W": "W",
    "X": "X",
    "Y": "Y",
    "Z": "Z",
}


def number_words(n: int) -> str:
    """0–999 in Indonesian words (counters rarely pass 99)."""
    if n < 0 or n > 999:
        raise ValueError("number out of range")
    if n < 10:
        return _DIGITS[n]
    if n == 10:
        return "sepuluh"
    if n == 11:
        return "sebelas"
    if n < 20:
        return f"{_DIGITS[n - 10]} belas"
    if n < 100:
        tens, ones = divmod(n, 10)
        return f"{_DIGITS[tens]} puluh" + (f" {_DIGITS[ones]}" if ones else "")
    hundreds, rest = divmod(n, 100)
    head = "seratus" if hundreds == 1 else f"{_DIGITS[hundreds]} ratus"
    return head + (f" {number_words(rest)}" if rest else "")


def spell_ticket(display_number: str) -> str:
    """'C007' -> 'C nol nol tujuh': letters as letters, digits one by one (as offices say them)."""
    parts = [
        _LETTERS.get(ch, ch) if ch.isalpha() else _DIGITS[int(ch)]
        for ch in display_number
        if ch.isalnum()
    ]
    return " ".join(parts)


def announcement(display_number: str, counter_number: str) -> str:
    counter = number_words(int(counter_number)) if counter_number.isdigit() else counter_number
    return f"Nomor antrian {spell_ticket(display_number)}, silakan ke loket {counter}."
