"""How plainly a text reads (the Flesch reading ease), for the health texts' tests."""

import re


def syllables(word: str) -> int:
    """A rough English syllable count: vowel groups, less a silent final e or -ed/-es."""
    word = word.lower()
    if len(word) <= 3:
        return 1
    word = re.sub(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$", "", word)
    word = re.sub(r"^y", "", word)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", word)))


def plain(markdown: str) -> str:
    """Topic text as a reader sees it: no bold markers, bullets or slash-command names."""
    text = re.sub(r"[*_•]", " ", re.sub(r"`[^`]*`", " ", markdown))
    return re.sub(r"[ \t]+", " ", text)


def sentences(text: str) -> list[str]:
    """Sentences end at . ! or ?; each bullet or heading line counts as one too."""
    return [s for s in re.split(r"[.!?]+\s+|\n+", text) if re.search(r"[A-Za-z]", s)]


def flesch_reading_ease(markdown: str) -> float:
    text = plain(markdown)
    words = re.findall(r"[A-Za-z]+(?:'[A-Za-z]+)?", text)
    total = sum(syllables(word) for word in words)
    return 206.835 - 1.015 * len(words) / len(sentences(text)) - 84.6 * total / len(words)
