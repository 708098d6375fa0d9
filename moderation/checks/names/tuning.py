"""The names check's tuning: thresholds, and the closed word sets that are never names."""

MAX_MIDDLE_WORDS = 2
"""Unregistered capitalised words allowed between a first name and a surname (a hyphenated
middle name counts as two)."""

MIN_SURNAME_PART = 3
"""A hyphen part of a surname shorter than this (Al-, El-, De-) is no surname on its own."""

MIN_CAMEL_PREFIX = 4
"""A CamelCase part this long may come before a name ("#TeamAmber"); a shorter one is a
name's own prefix ("McDonald", "MacLeod", "DeShawn"), so no "Donald" or "Leod" starts there."""

MIN_TAG_SUBSTRING = 6
"""Shorter full-name keys ("Jo Li" -> "joli") are not searched inside hashtags ("#jolie")."""

MIN_MENTION_TAG_SUBSTRING = 3
"""For people who must never be named (R16), first names this long are searched inside
hashtags ("#welldonegrace"); a false block ("Ali" in "#finalist") costs a leader a look."""

COMMON_FREQUENCY = 1e-6
"""A word seen at least once per million words of English (wordfreq) is common..."""

NAME_SHARE_RATIO = 3.0
"""...unless US Census name use is this many times its share of English text: "smith"
(130x), "khan" (3.9x) are names; "park" (1.7x), "day" (0.5x), "christmas" (0.4x) are
words. Measured, see docs/names.md."""

EVERYDAY_FREQUENCY = 1e-5
"""A common word seen this often never starts a likely name ("Will", "May", "Summer",
"Art"). Rarer ones still may: wordfreq counts names in text too, so "Isla", "Rhys", "Yusuf"
and "Callum" are "common words" that are first names first."""

# Closed sets, not name lists. A word after a title is not a pupil: "Mr Smith" and "Miss
# Rose" are staff, "King Charles" and "Father Michael" are not pupils called Charles or
# Michael. (Kinship words are no titles: "Nana Amelia" may well be a pupil.) Month and day
# names ("June", "April", "August") often stand before capitalised words in school text.
TITLES = frozenset(
    "mr mrs ms miss mx mister master madam madame dr prof rev revd reverend fr father sr "
    "sister brother st saint sir dame lord lady king queen prince princess captain capt "
    "coach".split()
)
CALENDAR_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)  # full names only: "Jan" and "Sun" are people's names as often as abbreviations
