"""Scene texts shared by the tests of scenes, recording and lesson mode."""

FIGURE_SCENE = """\
title = "Figures and questions"

[data]
generator = "blobs"
n_samples = 60
seed = 3

[algorithm]
name = "kmeans"
n_clusters = 3
init = "random"

[[parts]]
title = "A run that asks"

[[parts.steps]]
on = "assign"
iteration = 1
ask = "Which centre will the points on the left join?"
say = "Every point joins its nearest centre."

[[parts]]
title = "The elbow"
view = { kind = "elbow", select = 2 }

[[parts.steps]]
say = "k = 2 is selected."

[[parts.steps]]
ask = "Where is the elbow?"
select = 3
say = "The elbow is at k = 3."
"""
