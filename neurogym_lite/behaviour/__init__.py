"""Behaviour: read an agent's choices and reaction times as a psychophysicist would (notebooks 4, 7).

``trials`` (one row per trial), ``ideal_observer`` (the ceiling), ``psychometric`` (one fitter:
P(choice 1) against signed coherence, with its unsigned view and efficiency), ``stats``
(confidence intervals), ``kernel`` (psychophysical kernel), ``history`` (choice history),
``reaction_times`` (RT collection and summaries), ``ddm`` (drift-diffusion fits), ``monkeys``
(Roitman & Shadlen's data, in ``data/``), ``plotting`` (their figures).
"""
