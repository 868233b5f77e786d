"""The seed notebook's code (../shared/seed), with neurogym replaced by neurogym_lite, runs unchanged."""

import subprocess
import sys
import textwrap

import pytest

SEED_CODE = textwrap.dedent('''
    import gymnasium as gym
    import neurogym_lite as ngym
    from neurogym_lite.wrappers import pass_reward
    import warnings
    from IPython.display import clear_output
    clear_output()
    warnings.filterwarnings('ignore')
    # Task name
    name = 'PerceptualDecisionMaking-v0'
    # task specification (here we only specify the duration of the different trial periods)
    timing = {
    'fixation': ('constant', 300),
    'stimulus': ('constant', 500),
    'decision': ('constant', 300),
    }
    kwargs = {'dt': 100, 'timing': timing}
    # build task
    env = gym.make(name, **kwargs)
    # print task properties
    print(env)
    # wrapp task with pass-reward wrapper
    env = pass_reward.PassReward(env)
    # plot example trials with random agent
    _ = ngym.utils.plot_env(
    env,
    fig_kwargs={'figsize': (12, 12)},
    num_steps=100,
    ob_traces=['Fixation cue', 'Stim 1', 'Stim 2', 'Previous reward'],
    )
    # these values are set low for testing purposes. To get a better sense of the package, we recommend setting
    # `total_timesteps = 100_000`
    total_timesteps = 500
    log_interval = 500
    from sb3_contrib import RecurrentPPO
    from stable_baselines3.common.vec_env import DummyVecEnv
    env = DummyVecEnv([lambda: env])
    model = RecurrentPPO(
    policy="MlpLstmPolicy",
    env=env,
    verbose=1,
    )
    model.learn(total_timesteps=total_timesteps, log_interval=log_interval)
    env.close()
    env = gym.make(name, **kwargs)
    # print task properties
    print(env)
    # wrapp task with pass-reward wrapper
    env = pass_reward.PassReward(env)
    env = DummyVecEnv([lambda: env])
    # plot example trials with random agent
    _ = ngym.utils.plot_env(
    env,
    fig_kwargs={'figsize': (12, 12)},
    num_steps=100,
    ob_traces=['Fixation cue', 'Stim 1', 'Stim 2', 'Previous reward'],
    model=model,
    )
    print("SEED WORKFLOW DONE")
''')


@pytest.mark.slow
def test_seed_workflow_runs_unchanged(tmp_path):
    script = tmp_path / "seed.py"
    script.write_text(SEED_CODE)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600,
                          env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1"},
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "SEED WORKFLOW DONE" in done.stdout
    assert "PerceptualDecisionMaking-v0" in done.stdout and "timing" in done.stdout
