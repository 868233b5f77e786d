"""tools/build_populations.py and tools/population_measures.py: every population the notebooks read can be
measured, and no two networks share a trial (test, learning-curve or confirmation trials)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

import build_populations
import population_measures

from neurogym_lite.agents.population import check_config
from neurogym_lite.agents.rt_population import confirmation_seed


@pytest.mark.parametrize("name", sorted(build_populations.POPULATIONS))
def test_every_population_has_the_measure_of_its_trainer(name):
    config = check_config(build_populations.configs_of(name)[0])
    measure = population_measures.measure_of(config)
    expected = {"neurogym_lite.agents.rt_population:train": "measure_rt",
                "neurogym_lite.agents.supervised:train_for_population": "measure_fd_sl"}.get(config["trainer"],
                                                                                             "measure_fd_rl")
    assert measure.__name__ == expected


def test_a_trainer_without_a_measure_is_refused_by_name():
    with pytest.raises(ValueError, match="no notebook measure.*my.module:train"):
        population_measures.measure_of({"trainer": "my.module:train"})


def test_no_two_networks_share_a_trial_stream():
    """Each network's batched envs are seeded from its test, curve and k-th confirmation seeds (+ 0..15):
    those streams must be disjoint across every network of every population, so no network is tested on
    another's trials and no confirmation reuses validation trials."""
    seen: dict[int, tuple[int, str]] = {}
    seeds = sorted({s for pop in build_populations.POPULATIONS.values() for s in pop["seeds"]})
    for seed in seeds:
        test = build_populations.evaluation_seed(seed)
        curve = test + 1_000_003
        streams = {"test": test, "curve": curve, **{f"confirmation {k}": confirmation_seed(curve, k) for k in range(1, 17)}}
        for role, base in streams.items():
            for offset in range(16):
                owner = seen.setdefault(base + offset, (seed, role))
                assert owner == (seed, role), f"seed {seed}'s {role} trials are seed {owner[0]}'s {owner[1]} trials"
