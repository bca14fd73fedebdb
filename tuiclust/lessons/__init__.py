"""Lessons as data: scene files, their pacing, and recording them to casts.

Nothing here imports the UI; the command layer hands a recording the stage
(the headless app) that performs it.
"""
