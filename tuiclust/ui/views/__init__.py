"""The lesson views: figures that are not a single run.

- :mod:`.elbow` choosing k for K-Means (inertia and silhouette for k = 1..10)
- :mod:`.kdistance` choosing eps for DBSCAN (the sorted k-distance curve)
- :mod:`.model_selection` choosing the number of Gaussian components (BIC, AIC)
- :mod:`.comparison` three algorithms on the gallery's six shapes
- :mod:`.metrics_strip` the scores of the step on screen, on the main screen
- :mod:`.silhouette` the silhouette plot of the step on screen
- :mod:`.hooks` how the explorer opens them (keys, actions, applying a choice)

Each view is a full-screen modal screen: the explorer's keys do nothing
while it is open, so the run it was opened for cannot change under it. Its
numbers come from :mod:`tuiclust.analysis`, computed in a thread worker and
cached by data and parameters.
"""
