"""The text of a post compared word by word (issue 17, item 9): a leader sees which words
were inserted or removed since the version they last looked at, not whole blocks."""

import re
from difflib import SequenceMatcher
from typing import Literal, TypedDict

# A word with the whitespace after it. Words are compared without that whitespace, so a
# line break or double space moved around a word does not count as changing it.
_WORD = re.compile(r"\S+\s*")


class TextChange(TypedDict):
    change: Literal["same", "added", "removed"]
    text: str


def word_diff(before: str, after: str) -> list[TextChange]:
    """Runs of unchanged, removed and added words. Joining the "same" and "added" runs
    gives ``after`` exactly; the "same" and "removed" runs give ``before``'s words."""
    old, new = _WORD.findall(before), _WORD.findall(after)
    changes: list[TextChange] = []

    def add(change: Literal["same", "added", "removed"], tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if changes and changes[-1]["change"] == change:
            changes[-1]["text"] += text
        else:
            changes.append({"change": change, "text": text})

    add("same", [after[: len(after) - len(after.lstrip())]])
    matcher = SequenceMatcher(
        None, [t.rstrip() for t in old], [t.rstrip() for t in new], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            add("same", new[j1:j2])
        else:
            add("removed", old[i1:i2])
            add("added", new[j1:j2])
    return changes
