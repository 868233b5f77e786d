"""The shipped model loads without a single warning on every dependency version CI installs.

CI runs this at both ends of the declared ranges (`.ci/run`: lowest-direct and newest releases), so a
release that cannot unpickle part of the model (as stable-baselines3 2.5 cannot unpickle the
`FloatSchedule` objects newer releases save) shows up here and not as noise in a reader's notebook.
"""

import warnings

import numpy as np


def test_shipped_model_loads_without_warnings_and_acts():
    # Importing the libraries may warn on its own (e.g. an old matplotlib under a newer pyparsing);
    # that is not the loader's business, so import first and only then turn warnings into errors.
    import sb3_contrib  # noqa: F401
    import stable_baselines3  # noqa: F401

    from neurogym_lite.agents.pretrained import load_pretrained, make_pretrained_env

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = load_pretrained()

    env = make_pretrained_env()
    obs, _ = env.reset(seed=0)
    action, state = model.predict(obs, state=None, episode_start=np.array([True]), deterministic=True)
    assert env.action_space.contains(int(action))
    assert state is not None, "a recurrent policy returns its LSTM state"
    env.close()
