"""neurogym_lite.Dataset: NeuroGym-compatible supervised batches of whole trials."""

import copy

import gymnasium as gym
import numpy as np
import pytest

import neurogym_lite as ngym
from neurogym_lite import Dataset
from neurogym_lite.tasks import TASKS
from neurogym_lite.wrappers import PassReward

SEED_TIMING = {"fixation": ("constant", 300), "stimulus": ("constant", 500), "decision": ("constant", 300)}
SEED_KW = {"dt": 100, "timing": SEED_TIMING}
TASK = "PerceptualDecisionMaking-v0"


def _batches(ds, n):
    return [ds() for _ in range(n)]


def test_shapes_and_dtypes_as_neurogym():
    ds = Dataset(TASK, env_kwargs=SEED_KW, batch_size=16, seq_len=100, seed=0)
    inputs, targets = ds()
    assert inputs.shape == (100, 16, 3) and inputs.dtype == np.float32
    assert targets.shape == (100, 16) and targets.dtype == np.int64
    assert ds.env.observation_space.shape == (3,) and ds.env.action_space.n == 3


def test_batch_first_is_the_transpose():
    a = Dataset(TASK, env_kwargs=SEED_KW, batch_size=4, seq_len=30, seed=3)
    b = Dataset(TASK, env_kwargs=SEED_KW, batch_size=4, seq_len=30, seed=3, batch_first=True)
    for (xa, ya), (xb, yb) in zip(_batches(a, 3), _batches(b, 3), strict=True):
        assert xb.shape == (4, 30, 3) and yb.shape == (4, 30)
        np.testing.assert_array_equal(xb, xa.swapaxes(0, 1))
        np.testing.assert_array_equal(yb, ya.swapaxes(0, 1))


def test_same_seed_same_batches_and_different_seeds_share_no_column():
    a, b = (Dataset(TASK, env_kwargs=SEED_KW, batch_size=8, seq_len=50, seed=0) for _ in range(2))
    for (xa, ya), (xb, yb) in zip(_batches(a, 4), _batches(b, 4), strict=True):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ya, yb)
    # A "test set" made with the next seed must not repeat training columns (as seed + i would).
    x0, _ = Dataset(TASK, env_kwargs=SEED_KW, batch_size=8, seq_len=50, seed=0)()
    x1, _ = Dataset(TASK, env_kwargs=SEED_KW, batch_size=8, seq_len=50, seed=1)()
    for i in range(8):
        for j in range(8):
            assert not np.array_equal(x0[:, i], x1[:, j])
    # Columns of one batch differ from each other.
    assert len({x0[:, i].tobytes() for i in range(8)}) == 8


def test_reseeding_restarts_the_streams():
    ds = Dataset(TASK, env_kwargs=SEED_KW, batch_size=2, seq_len=25, seed=5)
    first = _batches(ds, 3)
    ds.seed(5)
    for (x, y), (x2, y2) in zip(first, _batches(ds, 3), strict=True):
        np.testing.assert_array_equal(x, x2)
        np.testing.assert_array_equal(y, y2)


def test_a_trial_cut_at_seq_len_continues_in_the_next_batch():
    # 10 batches of 7 steps are the same stream as one batch of 70: nothing dropped, nothing repeated.
    short = Dataset(TASK, env_kwargs=SEED_KW, batch_size=3, seq_len=7, seed=2)
    long = Dataset(TASK, env_kwargs=SEED_KW, batch_size=3, seq_len=70, seed=2)
    xs, ys = zip(*_batches(short, 10), strict=True)
    x_long, y_long = long()
    np.testing.assert_array_equal(np.concatenate(xs), x_long)
    np.testing.assert_array_equal(np.concatenate(ys), y_long)


def test_columns_are_whole_trials_laid_end_to_end():
    # The seed task's trials are 11 steps: 8 with the fixation cue on and target 'fixate', then 3 of
    # decision with target 1 + direction; the stimulus favours the target's channel.
    ds = Dataset(TASK, env_kwargs={**SEED_KW, "sigma": 0.0}, batch_size=4, seq_len=110, seed=0)
    inputs, targets = ds()
    for i in range(4):
        for k in range(10):
            ob, gt = inputs[11 * k: 11 * k + 11, i], targets[11 * k: 11 * k + 11, i]
            np.testing.assert_array_equal(ob[:, 0], [1] * 8 + [0] * 3)
            assert set(gt[:8]) == {0} and len(set(gt[8:])) == 1 and gt[8] in (1, 2)
            stim = ob[3:8, 1:].mean(axis=0)
            assert stim[gt[8] - 1] >= stim[2 - gt[8]]


def test_columns_follow_the_env_trial_stream():
    # Column i is the trial reset() made, then one trial per new_trial(): what the env gives an agent.
    ds = Dataset(TASK, env_kwargs=SEED_KW, batch_size=2, seq_len=33, seed=7)
    task = ds.env.unwrapped
    before = copy.deepcopy(task)
    x, y = ds()  # three whole 11-step trials in column 0
    assert task.num_tr == 0
    twin = before
    np.testing.assert_array_equal(x[:11, 0], twin.ob)
    for k in (1, 2):
        twin.new_trial()
        np.testing.assert_array_equal(x[11 * k: 11 * k + 11, 0], twin.ob)
        np.testing.assert_array_equal(y[11 * k: 11 * k + 11, 0], twin.gt)


def test_batches_are_new_arrays():
    ds = Dataset(TASK, env_kwargs=SEED_KW, batch_size=2, seq_len=40, seed=0)
    x, y = ds()
    kept = x.copy(), y.copy()
    _batches(ds, 50)
    np.testing.assert_array_equal(x, kept[0])
    np.testing.assert_array_equal(y, kept[1])


def test_env_instance_is_copied_not_touched(seed_env):
    seed_env.reset(seed=1)
    ob_before = seed_env.unwrapped.ob.copy()
    state_before = copy.deepcopy(seed_env.unwrapped.np_random.bit_generator.state)
    ds = Dataset(seed_env, batch_size=3, seq_len=20, seed=0)
    _batches(ds, 3)
    assert ds.env is not seed_env
    np.testing.assert_array_equal(seed_env.unwrapped.ob, ob_before)
    assert seed_env.unwrapped.np_random.bit_generator.state == state_before
    # Built from the instance or from the id with the same kwargs and seed: the same batches.
    by_id = Dataset(TASK, env_kwargs=SEED_KW, batch_size=3, seq_len=20, seed=0)
    by_env = Dataset(gym.make(TASK, **SEED_KW), batch_size=3, seq_len=20, seed=0)
    np.testing.assert_array_equal(by_id()[0], by_env()[0])


def test_call_kwargs_fix_the_trials_started_in_that_call():
    ds = Dataset(TASK, env_kwargs=SEED_KW, batch_size=4, seq_len=11, seed=0)
    ds()  # exactly the first (reset's) trial of each column
    _, targets = ds(ground_truth=0)
    assert set(np.unique(targets)) == {0, 1}
    inputs, _ = ds(coh=0.0)
    # No coherence: every stimulus step is pure noise around 0.5 on both channels.
    assert abs(float(inputs[3:8, :, 1:].mean()) - 0.5) < 0.1


def test_max_batch_limits_iteration_and_restarts():
    ds = Dataset(TASK, env_kwargs=SEED_KW, batch_size=2, seq_len=10, max_batch=3, seed=0)
    assert len(list(ds)) == 3
    assert len(list(ds)) == 3
    batch = next(iter(Dataset(TASK, env_kwargs=SEED_KW, batch_size=2, seq_len=10, seed=0)))
    assert batch[0].shape == (10, 2, 3)


@pytest.mark.parametrize("task_id", sorted(TASKS))
def test_every_registered_task(task_id):
    ds = Dataset(task_id, env_kwargs={"dt": 100}, batch_size=5, seq_len=60, seed=0)
    for _ in range(3):
        inputs, targets = ds()
        assert inputs.shape == (60, 5, *ds.env.observation_space.shape)
        assert inputs.dtype == np.float32 and targets.dtype == np.int64
        assert np.all((targets >= 0) & (targets < ds.env.action_space.n))
        assert all(ds.env.observation_space.contains(x) for x in inputs.reshape(-1, inputs.shape[-1]))
        assert len(np.unique(targets)) > 1


def test_pass_reward_is_refused_with_a_way_out():
    with pytest.raises(ValueError, match="PassReward.*pass_reward=False"):
        Dataset(ngym.make_env(TASK, **SEED_KW), batch_size=2, seq_len=10)
    with pytest.raises(ValueError, match="PassReward"):
        Dataset(PassReward(gym.make(TASK)), batch_size=2, seq_len=10)
    Dataset(ngym.make_env(TASK, pass_reward=False, **SEED_KW), batch_size=2, seq_len=10)()


def test_observation_changing_wrapper_is_refused():
    wrapped = gym.wrappers.TransformObservation(
        gym.make(TASK), lambda o: o * 2, gym.spaces.Box(-np.inf, np.inf, shape=(3,), dtype=np.float32))
    with pytest.raises(ValueError, match="observation space"):
        Dataset(wrapped)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"env": 3}, TypeError, "env must be a task id"),
        ({"env": "NoSuchTask-v0"}, ValueError, "unknown task id"),
        ({"env": "CartPole-v1"}, TypeError, "trial-based task"),
        ({"env": "PerceptualDecisionMakng-v0"}, ValueError, "Did you mean"),
        ({"env": gym.make("CartPole-v1")}, TypeError, "trial-based task"),
        ({"env": TASK, "batch_size": 0}, ValueError, "batch_size"),
        ({"env": TASK, "batch_size": 2.5}, TypeError, "batch_size"),
        ({"env": TASK, "batch_size": True}, TypeError, "batch_size"),
        ({"env": TASK, "seq_len": "100"}, TypeError, "seq_len"),
        ({"env": TASK, "seq_len": -5}, ValueError, "seq_len"),
        ({"env": TASK, "max_batch": 0}, ValueError, "max_batch"),
        ({"env": TASK, "batch_first": "yes"}, TypeError, "batch_first"),
        ({"env": TASK, "seed": -1}, ValueError, "seed"),
        ({"env": TASK, "seed": 1.5}, TypeError, "seed"),
        ({"env": TASK, "env_kwargs": [("dt", 100)]}, TypeError, "env_kwargs"),
        ({"env": TASK, "env_kwargs": {"dtt": 100}}, TypeError, "dtt"),
        ({"env": gym.make(TASK), "env_kwargs": {"dt": 100}}, ValueError, "env_kwargs only apply"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        Dataset(**kwargs)


@pytest.mark.slow
def test_neurogym_supervised_pytorch_example_runs_unchanged():
    """NeuroGym's docs/examples/supervised_learning_pytorch.ipynb, with ``neurogym`` -> ``neurogym_lite``
    (written out here in its style: its Dataset, nn.LSTM + Linear, CrossEntropyLoss). The example
    runs 200 epochs and recommends 2000; both libraries' networks start choosing after ~200-300,
    so this runs 400."""
    import torch
    import torch.nn as nn

    import neurogym_lite as ngym

    torch.manual_seed(0)
    task = "PerceptualDecisionMaking-v0"
    kwargs = {"dt": 100}
    seq_len = 100
    dataset = ngym.Dataset(task, env_kwargs=kwargs, batch_size=16, seq_len=seq_len, seed=0)
    env = dataset.env
    ob_size = env.observation_space.shape[0]
    act_size = env.action_space.n

    class Net(nn.Module):
        def __init__(self, num_h):
            super().__init__()
            self.lstm = nn.LSTM(ob_size, num_h)
            self.linear = nn.Linear(num_h, act_size)

        def forward(self, x):
            out, hidden = self.lstm(x)
            return self.linear(out)

    net = Net(num_h=64)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-2)
    losses = []
    for _ in range(400):
        inputs, labels = dataset()
        inputs = torch.from_numpy(inputs).type(torch.float)
        labels = torch.from_numpy(labels.flatten()).type(torch.long)
        optimizer.zero_grad()
        outputs = net(inputs)
        loss = criterion(outputs.view(-1, act_size), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())

    # The example's analysis: one trial at a time on dataset.env, judged at the trial's last step.
    perf = 0
    num_trial = 200
    for _ in range(num_trial):
        env.new_trial()
        ob, gt = env.ob, env.gt
        ob = ob[:, np.newaxis, :]
        inputs = torch.from_numpy(ob).type(torch.float)
        action_pred = net(inputs).detach().numpy()
        action_pred = np.argmax(action_pred, axis=-1)
        perf += gt[-1] == action_pred[-1, 0]
    perf /= num_trial
    assert np.mean(losses[-20:]) < 0.5 * np.mean(losses[:20])
    # Chance is 0.5; the ideal observer gets ~0.9 over these coherences (0 % is a coin flip).
    assert perf > 0.75
