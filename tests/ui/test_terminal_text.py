"""What the explorer draws from a scene is the scene's text, exactly, and nothing a terminal would obey.

Narration goes to the caption as plain text (markup escaping doubled the
backslashes before a bracket); Ctrl+C names the key that quits in plain
words (Textual's own notice is markup, shown literally by the explorer).
"""

from __future__ import annotations

from tuiclust.lessons.scene import load_scene
from tuiclust.ui.lesson_app import LessonApp

from .conftest import wait_until

SAY = r"C:\data\[x] and [b]not bold[/b] \\[y]"


def _scene(tmp_path):
    path = tmp_path / "brackets.toml"
    path.write_text(
        'title = "Brackets \\u001b]0;RETITLED\\u0007"\n[data]\ngenerator = "blobs"\nn_samples = 60\n'
        '[algorithm]\nname = "kmeans"\n[[steps]]\non = "initialize"\n'
        f"say = '{SAY}'\n",
        encoding="utf-8",
    )
    return load_scene(str(path))


async def test_narration_is_shown_exactly_as_written(tmp_path):
    app = LessonApp(_scene(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.wait_until_computed()
        await pilot.pause()
        await wait_until(lambda: app.caption.display, what="the caption")
        assert str(app.caption.render()) == SAY
        assert app.title == "Brackets "  # the OSC went with its payload


async def test_ctrl_c_says_which_key_quits_in_plain_words(tmp_path):
    app = LessonApp(_scene(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.wait_until_computed()
        await pilot.press("ctrl+c")
        await wait_until(lambda: any("quit" in told for told in app.told), what="the notice")
        notice = next(told for told in app.told if "quit" in told)
        assert notice == "Press q to quit the app"
