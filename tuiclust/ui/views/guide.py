"""The lesson's guidance for the help screen: which algorithm when, common pitfalls, scores, verdicts.

Written in tuiclust's own words from the facts of the lesson; the help
screen (``?``) shows :func:`guide_text` after the keys.
"""

from __future__ import annotations

from rich.text import Text

from ...analysis.comparison import verdict_rules

__all__ = ["PITFALLS", "SCORES", "WHEN_TO_USE", "guide_text"]

WHEN_TO_USE: tuple[tuple[str, str], ...] = (
    (
        "K-Means",
        "round groups of similar size that lie apart; you know (or can choose) k; lots of data and "
        "little time; a first baseline before anything fancier.",
    ),
    (
        "DBSCAN",
        "groups of any shape (rings, moons, snakes); k unknown; noise and outliers you want named "
        "as such. One eps suits one density: groups of very different density need care.",
    ),
    (
        "Gaussian mixture",
        "elliptical or tilted groups, groups that overlap, data that looks roughly Gaussian; when you "
        "want a probability per point rather than a hard answer.",
    ),
)

PITFALLS: tuple[str, ...] = (
    "Unscaled features: the column with the widest range decides every distance. Press s to scale.",
    "K-Means on curved or stretched shapes: it can only cut space into convex cells (try c).",
    "A DBSCAN eps picked by luck: too small and everything is noise, too large and groups merge. "
    "Read it off the k-distance curve (e).",
    "Too many Gaussian components: the fit always improves, so compare BIC instead (e).",
    "Choosing k without looking: the elbow (e) and the silhouette (m, M) are cheap second opinions.",
)

SCORES: tuple[tuple[str, str], ...] = (
    ("silhouette \u2191", "-1 to 1: how much closer each point is to its own cluster than to the next one."),
    ("Calinski-Harabasz \u2191", "0 and up: spread between clusters over spread within them."),
    ("Davies-Bouldin \u2193", "0 and up: how much each cluster resembles its nearest rival."),
)


def guide_text() -> Text:
    """The guidance as styled text, for the help screen (after the keys)."""
    text = Text()

    def heading(words: str, note: str = "") -> None:
        text.append("\n" + words, style="bold")
        text.append((" " + note if note else "") + "\n")

    heading("Lesson views", "(e, c, m, M)")
    text.append("  \u2190 \u2192 move the choice, enter runs the explorer with it, esc goes back unchanged.\n")
    heading("Which algorithm when")
    for name, words in WHEN_TO_USE:
        text.append("  " + name, style="bold")
        text.append(": " + words + "\n")
    text.append(
        "  Not sure? Start with K-Means, try DBSCAN when you see noise or odd shapes, "
        "and a mixture when you need probabilities.\n"
    )
    heading("Common pitfalls")
    for words in PITFALLS:
        text.append("  \u2022 " + words + "\n")
    heading("Judging a clustering without labels", "(\u2191 higher is better, \u2193 lower is better)")
    for name, words in SCORES:
        text.append("  " + name, style="bold")
        text.append(": " + words + "\n")
    text.append("  They need 2 clusters or more; DBSCAN's noise counts as one more cluster, as in scikit-learn.\n")
    heading("Verdicts in the comparison grid", "(ARI: adjusted Rand index against the true groups)")
    for rule in verdict_rules():
        text.append("  \u2022 " + rule + "\n")
    return text
