"""Neural: read a recurrent agent's hidden states as a physiologist would (notebook 5), and its
network as a dynamical system (notebook 10).

``states`` (states aligned to an event), ``pca`` (principal components, condition means),
``decoding`` (cross-validated decoders over time), ``units`` (single-unit selectivity),
``plotting`` (their figures), ``policy_readout`` (the actor head on recorded states),
``fixed_points`` (fixed and slow points of any map, with their Jacobians), ``lstm_dynamics`` (the
actor LSTM as a map, pulses of evidence, pushes of the state), ``dynamics_measures`` (one
network's dynamics in a few numbers, for populations).
"""
