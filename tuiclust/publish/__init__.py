"""Publishing a recorded lesson: an animated GIF, a self-contained web page, and the outputs of `record`.

Pure I/O on asciicast v2 files; nothing here imports Textual or Rich, so a
cast can be published without starting the app.
"""
