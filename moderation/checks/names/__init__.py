"""Rule R4 (and R20): find names of people in post text, alt text and hashtags.

Pure Python, no Django: the post checks build one :class:`NameIndex` per school from the
people register and ask it three questions about each text:

* :meth:`NameIndex.find_full_names` - a registered person's full name (any first name,
  legal or preferred, plus the surname). Beside an identifiable face this blocks.
* :meth:`NameIndex.find_first_names` - a registered first name on its own. Allowed only
  where that person's consent allows names, so the caller needs one hit per person.
* :func:`find_likely_full_names` - something that looks like the full name of somebody
  who is *not* in the register (a visitor, a parent, a sibling at another school).

How matching works, and why:

0. Unicode disguises are undone first (``textfold``, R20): invisible characters dropped
   (a word may be cut where one stood), NFKC, look-alike Cyrillic and Greek letters read
   as Latin, any space a space, and a right-to-left override also read as displayed.
   Matching runs on that folded text; every span is mapped back to the original.
1. The text is tokenised once into letter runs ("atoms"). CamelCase is split
   (``#AmeliaSmith`` -> Amelia, Smith), and the characters between two atoms decide whether
   they may belong to one name: whitespace of any length (so line breaks and double spaces),
   ``_``, hyphens and apostrophes (straight or curly), and up to three punctuation marks with
   no space around them ("Amelia.Smith") join; other punctuation breaks.
2. Every atom is folded by :func:`normalise` (case and accents), and register names are
   reduced to the same letters-only key (:func:`name_key`), so ``O'Neill``, ``O’Neill``,
   ``ONeill`` and ``O Neill`` are all ``oneill``, and ``Smith Jones`` meets ``Smith-Jones``.
3. Names are found by concatenating a few consecutive joinable atoms and looking the
   string up in a dict: constant work per atom, whatever the size of the register. There is
   no regex per person.
4. Hashtags and mentions written in one lower-case run (``#ameliasmith``,
   ``@amelia.smith``) have no word boundaries, so their letters are also searched for every
   registered full name as a substring.

Judgment calls (recall matters more than precision here: a false block costs a leader a
click, a missed name can identify a child):

* Middle names: up to :data:`MAX_MIDDLE_WORDS` unregistered words may stand between the
  first name and the surname ("Amelia Rose Smith"), but only when every word is
  capitalised, so "grace in the hall" is not "Grace Hall".
* Possessives: "Amelia Smith's" matches by its atoms; "Amelia Smiths'" and "Amelia Smiths"
  match by dropping a final ``s`` from the surname.
* Hyphenated surnames: each hyphen part of at least :data:`MIN_SURNAME_PART` letters also
  counts as the surname ("Oluwaseun Johnson" for Adeyemi-Johnson; not "Mohammed Al").
* Surname first: "Smith, Amelia" (with the comma) matches; "Smith Amelia" does not.
* First names alone must be capitalised in the text (or a CamelCase hashtag part):
  otherwise a pupil called Will or Grace would match every "will" and "grace".

The modules, each using only those above it (the public names are re-exported here, so
callers write ``from moderation.checks.names import NameIndex``):

| module | what |
|---|---|
| ``tuning`` | thresholds and the closed word sets (titles, months and days) |
| ``keys`` | ``normalise`` and ``name_key``: the one folding rule |
| ``data`` | ``RegisterPerson`` in; ``NameHit`` and ``LikelyName`` out |
| ``tokens`` | letter runs ("atoms"), the joins between them, windows of joinable atoms |
| ``wordlists`` | first names, English words and census surnames, loaded once |
| ``likely`` | ``find_likely_full_names``: names of people outside the register |
| ``index`` | ``NameIndex``: full names, first names and mentions of registered people |
"""

from .data import LikelyName, NameHit, RegisterPerson
from .index import NameIndex
from .keys import name_key, normalise
from .likely import find_likely_full_names
from .tokens import MAX_TIGHT_PUNCTUATION
from .tuning import (
    CALENDAR_WORDS,
    COMMON_FREQUENCY,
    EVERYDAY_FREQUENCY,
    MAX_MIDDLE_WORDS,
    MIN_CAMEL_PREFIX,
    MIN_MENTION_TAG_SUBSTRING,
    MIN_SURNAME_PART,
    MIN_TAG_SUBSTRING,
    NAME_SHARE_RATIO,
    TITLES,
)
from .wordlists import WordLists, known_first_names, preload, word_lists

__all__ = [
    "CALENDAR_WORDS",
    "COMMON_FREQUENCY",
    "EVERYDAY_FREQUENCY",
    "MAX_MIDDLE_WORDS",
    "MAX_TIGHT_PUNCTUATION",
    "MIN_CAMEL_PREFIX",
    "MIN_MENTION_TAG_SUBSTRING",
    "MIN_SURNAME_PART",
    "MIN_TAG_SUBSTRING",
    "NAME_SHARE_RATIO",
    "TITLES",
    "LikelyName",
    "NameHit",
    "NameIndex",
    "RegisterPerson",
    "WordLists",
    "find_likely_full_names",
    "known_first_names",
    "name_key",
    "normalise",
    "preload",
    "word_lists",
]
