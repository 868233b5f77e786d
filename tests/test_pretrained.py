"""The shipped model: found by name, checked before loading, clear errors when files are bad."""

from __future__ import annotations

import hashlib
import shutil
import warnings
from pathlib import Path

import pytest

import neurogym_lite
from neurogym_lite.agents import pretrained

MODELS = Path(neurogym_lite.__file__).parent / "agents" / "models"


@pytest.fixture
def models(tmp_path, monkeypatch):
    """A copy of the models folder that a test may damage."""
    folder = tmp_path / "models"
    shutil.copytree(MODELS, folder)
    monkeypatch.setattr(pretrained, "_models_dir", lambda: folder)
    return folder


def test_every_shipped_model_records_the_checksum_of_its_zip():
    names = pretrained.available()
    assert pretrained.PRETRAINED in names
    for name in names:
        info = pretrained.pretrained_info(name)
        assert info["sha256"] == hashlib.sha256((MODELS / f"{name}.zip").read_bytes()).hexdigest(), name


def test_shipped_model_loads_and_acts(seed_env):
    model = pretrained.load_pretrained()
    env = pretrained.make_pretrained_env()
    obs, _ = env.reset(seed=0)
    action, state = model.predict(obs, state=None, episode_start=[True], deterministic=True)
    assert env.action_space.contains(int(action)) and state is not None


def test_a_damaged_zip_is_reported_as_damaged(models):
    data = bytearray((models / "pdm_lstm.zip").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (models / "pdm_lstm.zip").write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"pdm_lstm\.zip is damaged.*Reinstall.*pip install --force-reinstall"):
        pretrained.load_pretrained()
    (models / "pdm_lstm.zip").write_bytes(b"")  # truncated to nothing
    with pytest.raises(ValueError, match="is damaged"):
        pretrained.load_pretrained()


def test_a_damaged_json_is_reported_as_damaged(models):
    text = (models / "pdm_lstm.json").read_text()
    (models / "pdm_lstm.json").write_text(text[: len(text) // 2])
    with pytest.raises(ValueError, match=r"pdm_lstm\.json is damaged.*Reinstall"):
        pretrained.pretrained_info()
    (models / "pdm_lstm.json").write_text('{"task": "PerceptualDecisionMaking-v0"}')
    with pytest.raises(ValueError, match="sha256"):
        pretrained.load_pretrained()


def test_a_missing_file_is_named(models):
    (models / "pdm_lstm.json").unlink()
    with pytest.raises(FileNotFoundError, match=r"models/pdm_lstm\.json is missing"):
        pretrained.load_pretrained()
    with pytest.raises(ValueError, match=r"no pretrained model named 'other'; available: \[") as err:
        pretrained.load_pretrained("other")
    assert "'pdm_lstm'" not in str(err.value)  # a model without its JSON is not offered


@pytest.mark.parametrize("bad", ["../models/pdm_lstm", "pdm_lstm.zip", "/tmp/pdm_lstm", ""])
def test_a_path_is_refused(bad):
    with pytest.raises(ValueError, match="not a path.*RecurrentPPO.load"):
        pretrained.load_pretrained(bad)
    with pytest.raises(TypeError, match="name"):
        pretrained.load_pretrained(Path("pdm_lstm"))


def test_a_new_model_is_shipped_by_dropping_its_two_files(models):
    shutil.copy(models / "pdm_lstm.zip", models / "my_lstm.zip")
    shutil.copy(models / "pdm_lstm.json", models / "my_lstm.json")
    assert pretrained.available() == ["my_lstm", "pdm_lstm", "pdm_rt_lstm"]
    assert pretrained.load_pretrained("my_lstm").policy is not None
    assert pretrained.make_pretrained_env("my_lstm").observation_space.shape == (4,)


def test_only_the_known_harmless_load_warnings_are_silenced(monkeypatch):
    from sb3_contrib import RecurrentPPO

    real_load = RecurrentPPO.load

    def load_with_warnings(*args, **kwargs):
        # what stable-baselines3 2.5 prints for a model saved by a newer release
        for key in ("lr_schedule", "clip_range"):
            warnings.warn(
                f"Could not deserialize object {key}. Consider using `custom_objects` argument to replace this "
                "object.\nException: Can't get attribute 'FloatSchedule' on <module "
                "'stable_baselines3.common.utils'>", UserWarning, stacklevel=2)
        warnings.warn("Could not deserialize object policy_kwargs. Exception: something else", UserWarning,
                      stacklevel=2)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(RecurrentPPO, "load", load_with_warnings)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pretrained.load_pretrained()
    assert [str(w.message) for w in caught] == ["Could not deserialize object policy_kwargs. Exception: something else"]


def test_the_shipped_reaction_time_agent_loads_and_records_every_seed():
    info = pretrained.pretrained_info("pdm_rt_lstm")
    env = pretrained.make_pretrained_env("pdm_rt_lstm")
    assert env.unwrapped.spec.id == "PerceptualDecisionMakingRT-v0" and env.observation_space.shape == (4,)
    model = pretrained.load_pretrained("pdm_rt_lstm")
    assert model.policy.lstm_actor.hidden_size == info["recipe"]["lstm_hidden_size"]
    assert sorted(info["per_seed"]) == ["0", "1", "2"] and info["seed"] == 0
