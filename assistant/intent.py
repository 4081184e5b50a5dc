"""Does a question ask for a dataset (is there data on …, an API for …, who publishes it, in what
format, how often it is refreshed) rather than for a fact or a statistic? (issue 8)

A dataset question is answered from the catalog and judged by what the dataset is about: the words
that frame the ask ("데이터가 있나요", "which department publishes") say nothing about which dataset
is meant. It needs a data word and an ask about data; "which department approves open data
requests?" has both and is still tried on the catalog first, then on the documents.
"""

from __future__ import annotations

import re

_FLAGS = re.IGNORECASE
_DATA_WORD = re.compile(
    r"데이터|데이타|자료|데이터셋|목록|파일|통계|(?<![a-z])api(?![a-z])|\bdata\b|datasets?|data\s*sets?|"
    r"\bfiles?\b|\bcatalog(ue)?\b|\blists?\b|\bregistry\b|\brecords\b|shapefile|\bcsv\b",
    _FLAGS,
)
_DATA_ASK = re.compile(
    # whether it exists, where to get it
    r"있(나요|어요|습니까|는지|을까)|잇(나요|어요)|없(나요|어요)|있어\?|있음\?|"
    r"(받|구하|찾|다운로드\s*받|내려\s*받)(을\s*수|으려면|나요|아요|아야)|어디(서|에서|에)|"
    r"is there|are there|do we have|do you have|any (data|dataset)|where (can|do|could) (i|we)|"
    r"\b(get|find|download)\b|available|exists?\b|in the catalog|"
    # who keeps it, in what form, how fresh
    r"부서|기관|담당|관리(하|기관)|올렸|올린|공개(하|한|했)|제공(하|한|했)|게시|"
    r"형식|포맷|확장자|갱신|업데이트|주기|수정일|얼마나\s*자주|최신|언제\s*(수정|갱신|업데이트)|"
    r"which (department|agency|office|team|unit|organi[sz]ation)|"
    r"who (publishes|provides|maintains|keeps|owns)|"
    r"publish|provide[sd]?|maintain|format|how often|updated?|refresh|last modified|(?<![a-z])api(?![a-z])",
    _FLAGS,
)


def asks_for_dataset(question: str) -> bool:
    """True when the question asks about a dataset: a data word together with an ask about data."""
    return bool(_DATA_WORD.search(question)) and bool(_DATA_ASK.search(question))
