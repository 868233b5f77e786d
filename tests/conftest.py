import os

os.environ.setdefault("MPLBACKEND", "Agg")

import gymnasium as gym  # noqa: E402
import pytest  # noqa: E402

import neurogym_lite  # noqa: E402,F401  (registers the tasks)

SEED_TIMING = {"fixation": ("constant", 300), "stimulus": ("constant", 500), "decision": ("constant", 300)}


@pytest.fixture
def seed_env():
    """The seed notebook's task, built through gymnasium.make."""
    env = gym.make("PerceptualDecisionMaking-v0", dt=100, timing=SEED_TIMING)
    yield env
    env.close()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
