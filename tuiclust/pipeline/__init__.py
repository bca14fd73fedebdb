"""The one-way flow below the UI: vocabulary, spec, data, limits, run building, timeline, spec edits.

No terminal library is imported here; the explorer, ``tuiclust fit``,
lessons and recordings all build their runs through :mod:`.run`.
"""
