"""Agents: train a recurrent network on a task and run it (notebooks 2, 3, 8, 9).

``recipe`` (the notebooks' training recipe: ``make_model``, ``make_vec_env``, the monkey-faithful
task, the reaction-time recipe), ``policy`` (``ScaledInput``, the recipe's input scaling),
``callbacks`` (``TrialAccuracyCallback``), ``evaluation`` (``run_trials``, ``evaluate``),
``pretrained`` (the shipped models in ``models/``), ``population`` (many networks on Optuna).
"""
