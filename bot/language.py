"""Tell Dutch from English questions with stop-word counts; Dutch is the default."""

from __future__ import annotations

import re

_DUTCH = frozenset(
    "de het een en van in op is dat die niet te zijn met voor er aan hij zij ze wat wie waar wanneer waarom "
    "hoe welke heeft hebben was werd wordt zou kan ook nog om bij naar over uit als dan maar of door heeft ik je "
    "jij we wij u zich dit deze hun haar hem".split()
)
_ENGLISH = frozenset(
    "the a an and of in on is that this not to be with for there at he she they what who where when why how "
    "which has have was were will would can also still by from about as than but or did does do i you we it his "
    "her their them".split()
)


def detect_language(text: str) -> str:
    """'nl' or 'en'."""
    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    dutch = sum(w in _DUTCH for w in words)
    english = sum(w in _ENGLISH for w in words)
    return "en" if english > dutch else "nl"
