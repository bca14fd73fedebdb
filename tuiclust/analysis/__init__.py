"""The lesson's figures that are not a single run, as plain computations.

Choosing k (the elbow of K-Means inertia), choosing eps (the knee of the
k-distance curve), choosing the number of Gaussian components (BIC and AIC),
comparing the three algorithms across the gallery's six shapes, and judging a
clustering without labels (silhouette, Calinski-Harabasz, Davies-Bouldin).

Only the core (numpy, scipy) is used here: no terminal library, so every
function can be tested, benchmarked and reused without a screen. The views
in :mod:`tuiclust.ui.views` run these in thread workers.
"""
