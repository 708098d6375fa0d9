"""Name keys: the one folding rule for register names, post text and word lists alike."""

from __future__ import annotations

import unicodedata

from backend.common.textfold import CONFUSABLES, CONFUSABLES_FOLDED

# Letters that Unicode does not decompose into base letter + accent.
_FOLD_LETTERS = str.maketrans(
    {"ø": "o", "đ": "d", "ð": "d", "ł": "l", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
    | {chr(code): letter for code, letter in CONFUSABLES_FOLDED.items()}
)
# Combining marks, for patterns that keep an accent with the letter it sits on.
MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"


def normalise(text: str) -> str:
    """Fold case and accents so "Zoë", "ZOE" and "zoe" compare equal (any script's marks).

    The one folding rule for the register, the text and the word lists alike; ``casefold``
    also turns "ß" into "ss". Look-alike letters of other scripts fold to the Latin letter
    they imitate (Cyrillic "а", Greek "Ο": see ``textfold.CONFUSABLES``), capitals before
    case folding (Greek "Η" is an H, its small letter "η" an n), and NFKD turns
    mathematical and full-width letters into plain ones.
    """
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(CONFUSABLES).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(
        _FOLD_LETTERS
    )


def name_key(name: str) -> str:
    """The letters of a name, normalised: "O’Neill" -> "oneill", "Smith-Jones" -> "smithjones"."""
    if name.isascii() and name.isalpha():  # most words of most texts: skip the generator
        return name.lower()
    return "".join(ch for ch in normalise(name) if ch.isalpha())
