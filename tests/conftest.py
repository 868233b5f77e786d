import gymnasium as gym
import matplotlib
import pytest

import neurogym_lite  # noqa: F401  (registers the tasks)

# In this process only: kernels started by nbval or JupyterLab keep their inline backend.
matplotlib.use("Agg")

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


@pytest.fixture(autouse=True, scope="session")
def _one_torch_thread():
    # Small LSTMs run several times faster on one thread than on contended threads (2-core CI).
    import torch

    torch.set_num_threads(1)
