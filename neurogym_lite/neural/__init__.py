"""Neural: read a recurrent agent's hidden states as a physiologist would (notebook 5).

``states`` (states aligned to an event), ``pca`` (principal components, condition means),
``decoding`` (cross-validated decoders over time), ``units`` (single-unit selectivity),
``plotting`` (their figures).
"""
