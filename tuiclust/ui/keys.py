"""The explorer's keys, in one table.

The Footer bindings, the ``?`` help screen, the command palette and the
README all read this table, so a key is described the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from tuiclust.pipeline.vocabulary import ALGORITHMS, parameter

__all__ = ["FOOTER_RANKS", "HINTED_ACTIONS", "KEYS", "KeySpec", "bindings", "footer_rank", "lesson_view_hint"]


@dataclass(frozen=True)
class KeySpec:
    """One key binding with its words.

    Attributes
    ----------
    keys : str
        Textual key names, comma-separated (``"right,l"``).
    action : str
        Action string run on the app (``"main_param(1)"``).
    shown : str
        What the help screen prints as the key (``"→ / l"``).
    footer : str
        Short label for the Footer; empty keeps the key out of the Footer.
    title : str
        Name in the command palette.
    help : str
        One line saying what the key does.
    priority : bool
        Checked before the focused widget's keys (the plot's cursor keys,
        which give way by themselves when the plot has no cursor).
    """

    keys: str
    action: str
    shown: str
    footer: str
    title: str
    help: str
    priority: bool = False


# What + - and [ ] change, per algorithm, in the vocabulary's words.
_MAIN = ", ".join(dict.fromkeys(entry.main.label for entry in ALGORITHMS.values()))
_SECOND = ", ".join(dict.fromkeys(entry.second.label for entry in ALGORITHMS.values()))
_GMM_STARTS = ", ".join(parameter("init_params").choices)

KEYS: tuple[KeySpec, ...] = (
    KeySpec("space", "toggle_play", "space", "Play", "Play / pause", "play the run at the playback speed, or pause it"),
    KeySpec("right,l", "step_forward", "→ / l", "Step", "Step forward", "show the next step"),
    KeySpec("left,h", "step_back", "← / h", "Back", "Step back", "show the previous step, exactly as it was"),
    KeySpec("home", "first_step", "home", "", "First step", "go to the first step of the run"),
    KeySpec("end", "last_step", "end", "", "Last step", "go to the last step computed so far"),
    KeySpec(
        "r", "restart", "r", "", "Restart with a new seed", "run again with a new random seed (new sample, new start)"
    ),
    *(
        KeySpec(entry.key, f"algorithm('{entry.name}')", entry.key, "", entry.title, f"switch to {entry.title}")
        for entry in ALGORITHMS.values()
    ),
    KeySpec(
        "plus,equals_sign",
        "main_param(1)",
        "+",
        "More",
        "Increase main parameter",
        f"raise the main parameter ({_MAIN})",
    ),
    KeySpec("minus", "main_param(-1)", "-", "Less", "Decrease main parameter", f"lower the main parameter ({_MAIN})"),
    KeySpec(
        "right_square_bracket",
        "second_param(1)",
        "]",
        "",
        "Next second parameter",
        f"the next value of the second parameter ({_SECOND})",
    ),
    KeySpec(
        "left_square_bracket",
        "second_param(-1)",
        "[",
        "",
        "Previous second parameter",
        "the previous value of the second parameter",
    ),
    KeySpec("g", "start(1)", "g", "", "Next start", f"the next start: GMM's ({_GMM_STARTS}) or K-Means' init"),
    KeySpec("G", "start(-1)", "G", "", "Previous start", "the previous start (GMM or K-Means)"),
    KeySpec(
        "d", "dataset(1)", "d", "Data", "Next data set", "the next built-in data set, with its suggested parameters"
    ),
    KeySpec("D", "dataset(-1)", "D", "", "Previous data set", "the previous built-in data set"),
    KeySpec(
        "greater_than_sign",
        "samples(1)",
        ">",
        "",
        "More points",
        "more points in the built-in data set (50 ... 200,000)",
    ),
    KeySpec("less_than_sign", "samples(-1)", "<", "", "Fewer points", "fewer points in the built-in data set"),
    KeySpec(
        "s", "scaling", "s", "Scale", "Change feature scaling", "cycle none → standard → minmax (DBSCAN gets a new eps)"
    ),
    KeySpec("f", "speed(1)", "f", "", "Faster playback", "play more steps per second"),
    KeySpec("F", "speed(-1)", "F", "", "Slower playback", "play fewer steps per second"),
    KeySpec(
        "x",
        "export",
        "x",
        "",
        "Export step to CSV",
        "write every point with its cluster at this step to a CSV file (points added by hand too)",
    ),
    KeySpec(
        "v",
        "toggle_regions",
        "v",
        "",
        "Show / hide regions",
        "shade each K-Means centre's region (the cells nearest it); borders with NO_COLOR",
    ),
    KeySpec(
        "i",
        "inspect",
        "i",
        "",
        "Inspect a point",
        "a cursor on the plot: the nearest point is selected and explained for this step",
    ),
    KeySpec("up", "cursor(0,1)", "↑", "", "Cursor up", "inspector / placing: move the cursor up one cell", True),
    KeySpec("down", "cursor(0,-1)", "↓", "", "Cursor down", "inspector / placing: move the cursor down one cell", True),
    KeySpec(
        "left",
        "cursor(-1,0)",
        "←",
        "",
        "Cursor left",
        "inspector / placing: move the cursor left one cell (h still steps back)",
        True,
    ),
    KeySpec(
        "right",
        "cursor(1,0)",
        "→",
        "",
        "Cursor right",
        "inspector / placing: move the cursor right one cell (l still steps)",
        True,
    ),
    KeySpec(
        "enter",
        "place",
        "enter",
        "",
        "Place a centre",
        "placing (init manual): put a centre at the cursor; the run starts when k are placed",
        True,
    ),
    KeySpec("backspace", "unplace", "backspace", "", "Take back a centre", "placing: remove the centre placed last"),
    KeySpec(
        "a",
        "add_point",
        "a",
        "",
        "Add a point",
        "inspector: add a point at the cursor; the run recomputes from the same start",
    ),
    KeySpec(
        "delete",
        "delete_point",
        "delete",
        "",
        "Delete the point",
        "inspector: delete the selected point; the run recomputes",
    ),
    KeySpec(
        "escape",
        "leave_plot",
        "esc",
        "",
        "Leave the inspector",
        "leave the inspector, or stop placing and use the default start",
    ),
    KeySpec(
        "e",
        "choose_parameter",
        "e",
        "Choose",
        "Choose k / eps / components / the cut / min_cluster_size",
        "help choosing k (elbow), eps (k-distance plot), the components (BIC, AIC), where to cut the tree (dendrogram) or min_cluster_size (condensed tree)",
    ),
    KeySpec(
        "c",
        "compare",
        "c",
        "Compare",
        "Compare algorithms across shapes",
        "every algorithm on six shapes, judged against the true groups; enter opens a cell",
    ),
    KeySpec(
        "escape",
        "back_to_grid",
        "esc",
        "",
        "Back to the comparison grid",
        "after Enter on a grid cell: back to the grid",
    ),
    KeySpec(
        "m",
        "toggle_metrics",
        "m",
        "Scores",
        "Show / hide scores",
        "silhouette, Calinski-Harabasz and Davies-Bouldin of this step",
    ),
    KeySpec(
        "M",
        "silhouette_plot",
        "M",
        "Silhouette",
        "Silhouette plot",
        "every point's silhouette at this step, grouped by cluster",
    ),
    KeySpec(
        "L",
        "toggle_code",
        "L",
        "",
        "Show / hide the code",
        "the listing of the algorithm on screen: the lines of this step marked \u25b6, its values beside them",
    ),
    KeySpec("question_mark", "help", "?", "Help", "Help", "show the keys and what each algorithm shows"),
    KeySpec(
        "ctrl+z",
        "suspend_process",
        "ctrl+z",
        "",
        "Suspend to the shell",
        "suspend tuiclust and give the terminal back; fg resumes it",
    ),
    KeySpec("q", "quit", "q", "Quit", "Quit", "leave tuiclust"),
)


#: Which Footer keys stay when the row is too narrow for all (lowest first; keys of one rank
#: stay or go together). Help and Quit are never dropped; keys of the screen on top (a view's
#: esc, lesson mode's n) come next, as anything not listed here; then playback, +/-, the
#: lesson views, the rest.
FOOTER_RANKS: dict[str, int] = {
    "help": 0,
    "quit": 1,
    "toggle_play": 3,
    "step_forward": 4,
    "step_back": 5,
    "main_param(1)": 6,  # + and - share a rank: both stay, or both go
    "main_param(-1)": 6,
    "choose_parameter": 7,
    "compare": 8,
    "dataset(1)": 9,
    "toggle_metrics": 10,
    "silhouette_plot": 11,
    "scaling": 12,
}
_SCREEN_KEYS_RANK = 2


def footer_rank(action: str) -> int:
    """How early the Footer key for ``action`` is kept when room is short (0 first)."""
    return FOOTER_RANKS.get(action, _SCREEN_KEYS_RANK)


# The lesson views and the help, in the words of the first screen's hint and the help's first
# line: (words, shorter words for narrow terminals).
_HINT_WORDS: dict[str, tuple[str, str]] = {
    "choose_parameter": ("choose k", "choose k"),
    "compare": ("compare algorithms", "compare"),
    "toggle_metrics": ("scores", "scores"),
    "silhouette_plot": ("silhouette plot", "silhouette"),
    "help": ("help, every key", "help"),
}
_HINT_PREFIX = "Lesson views: "


def lesson_view_hint(width: int | None = None) -> str:
    """The keys of the lesson views and the help in one line that fits ``width`` cells if it can.

    ``"Lesson views: e choose k · c compare algorithms · m scores · M silhouette plot · ? help,
    every key"`` (from :data:`KEYS`); shorter words, then no prefix, for narrower terminals.
    """
    shown = {key.action: key.shown for key in KEYS}
    long, short = (
        " \u00b7 ".join(f"{shown[action]} {words[i]}" for action, words in _HINT_WORDS.items()) for i in (0, 1)
    )
    for text in (_HINT_PREFIX + long, _HINT_PREFIX + short, short):
        if width is None or len(text) <= width:
            return text
    return short


#: The actions that open what the hint names (opening one retires the first screen's hint).
HINTED_ACTIONS = frozenset(_HINT_WORDS)


def bindings() -> list[Binding]:
    """Textual bindings for :data:`KEYS`, Footer labels where a key has one."""
    result = []
    for key in KEYS:
        display = key.shown.split(" / ")[0]
        result.append(
            Binding(
                key.keys,
                key.action,
                key.footer or key.title,
                show=bool(key.footer),
                key_display=display,
                priority=key.priority,
            )
        )
    return result
