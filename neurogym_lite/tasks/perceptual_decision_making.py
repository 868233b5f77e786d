"""Random-dots motion discrimination (Britten et al. 1992), as a trial-based gymnasium task."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from neurogym_lite.tasks import spaces
from neurogym_lite.tasks.timing import TimingSpec
from neurogym_lite.tasks.trial_env import TrialEnv

DEFAULT_REWARDS: dict[str, float] = {"abort": -0.1, "correct": 1.0, "fail": 0.0}
DEFAULT_COHS: tuple[float, ...] = (0.0, 6.4, 12.8, 25.6, 51.2)

#: Limits on the arguments (module constants: raise one with, e.g.,
#: ``neurogym_lite.tasks.perceptual_decision_making.MAX_DIM_RING = 512`` before building the env).
#: Each step of a trial holds ``1 + dim_ring`` floats, built at the trial's start.
MAX_DIM_RING = 128
#: Largest ``sigma``: beyond it the noise swamps any coherence, and the observation bounds
#: (10 noise standard deviations) would overflow float32.
MAX_SIGMA = 1e6
#: Largest absolute reward: rewards are passed to the agent as float32 observations by
#: ``PassReward``, and RL with rewards beyond this is a mistake, not a setting.
MAX_ABS_REWARD = 1e6


class PerceptualDecisionMaking(TrialEnv):
    r"""Two-alternative forced choice on noisy motion evidence (random dots motion).

    ## Description
    A monkey fixates while a patch of randomly moving dots is shown; a fraction of the dots (the
    *coherence*, in %) moves coherently in one of two opposite directions. After the stimulus the
    monkey reports the direction with a saccade (Britten et al. 1992; Shadlen & Newsome 2001).
    Here each of ``dim_ring`` stimulus channels carries the motion energy towards one direction
    on a ring, plus Gaussian noise; the agent must hold fixation and then choose.

    ## Periods (one trial)
    | period     | default   | fixation cue | stimulus             | correct action     |
    |------------|-----------|--------------|----------------------|--------------------|
    | `fixation` | 100 ms    | 1            | 0                    | 0 (fixate)         |
    | `stimulus` | 2000 ms   | 1            | signal + noise       | 0 (fixate)         |
    | `delay`    | 0 ms      | 1            | 0                    | 0 (fixate)         |
    | `decision` | 100 ms    | 0            | 0                    | ``1 + ground_truth`` |

    ## Observation Space
    ``Box(shape=(1 + dim_ring,), dtype=float32)``

    | index | name           | range         | meaning                                                        |
    |-------|----------------|---------------|----------------------------------------------------------------|
    | 0     | `fixation`     | {0, 1}        | 1 while the agent must fixate, 0 in the decision period        |
    | 1..n  | `stimulus_i`   | see below     | ``cos(theta_i - theta_gt) * coh/200 + 0.5`` plus N(0, sigma²/dt) noise |

    ``theta_i = 2*pi*(i-1)/dim_ring``; with ``dim_ring=2`` the correct channel is
    ``0.5 + coh/200`` and the other ``0.5 - coh/200``. The stimulus bounds lie 10 noise standard
    deviations beyond the signal's range (values are clipped there, which in practice never
    happens), because gymnasium's checker rejects infinite bounds.

    ## Action Space
    ``Discrete(1 + dim_ring)``: 0 = fixate, ``i`` = choose direction ``i`` (``choice_i``).

    ## Rewards
    | event                                               | reward (default)           | ends the trial |
    |-----------------------------------------------------|----------------------------|----------------|
    | any action but fixate during `fixation`             | ``rewards['abort']`` (-0.1) | if ``abort``  |
    | any action but fixate during `stimulus` or `delay`, | ``rewards['abort']`` (-0.1) | if ``abort``  |
    | only with ``enforce_fixation=True``                 |                             |               |
    | the correct choice during `decision`                | ``rewards['correct']`` (+1) | yes           |
    | a wrong choice during `decision`                    | ``rewards['fail']`` (0)     | yes           |
    | anything else (by default: choosing during          | 0                           | no            |
    | `stimulus` or `delay`)                              |                             |               |

    By default (as in NeuroGym) only the `fixation` period is policed, although the fixation cue
    stays on through `stimulus` and `delay`. ``enforce_fixation=True`` gives the monkey's task:
    fixation is required whenever the cue is on, and breaking it is punished (and, with
    ``abort=True``, ends the trial) as in the `fixation` period.

    ``info['performance']`` is 1 for a correct choice, 0 otherwise (wrong, aborted, no choice
    before the decision period ends). A trial that broken fixation ended (``abort=True``) has
    ``info['trial']['aborted'] = True``; other trials have no ``aborted`` key (read it with
    ``trial.get('aborted', False)``), so an aborted trial is never mistaken for a wrong choice.

    ## Starting State and Episode End
    Each trial draws ``coh`` uniformly from ``cohs`` and ``ground_truth`` (0-based direction)
    uniformly from ``range(dim_ring)``. Trials follow one another in one endless episode: the
    step that ends a trial returns the next trial's first observation and an ``info`` with
    ``new_trial=True``, ``performance`` and ``trial`` = ``{'ground_truth', 'coh'}`` **of the trial
    that just ended** (NeuroGym reports the next trial's parameters there).

    ## Arguments
    ``dt`` (ms per step, default 100), ``rewards`` (dict, merged with the defaults), ``timing``
    (dict, merged with the defaults; see :mod:`neurogym_lite.tasks.timing`), ``cohs`` (coherences in %,
    default 0, 6.4, 12.8, 25.6, 51.2), ``sigma`` (noise, default 1.0: the per-step standard
    deviation is ``sigma / sqrt(dt)``), ``dim_ring`` (number of directions, default 2),
    ``abort`` (whether breaking fixation ends the trial, default False), ``enforce_fixation``
    (whether fixation is required whenever the fixation cue is on, not only in `fixation`;
    default False, NeuroGym's rule).

    Limits: ``dim_ring <= MAX_DIM_RING`` (128), ``sigma <= MAX_SIGMA`` (1e6), every reward's
    magnitude ``<= MAX_ABS_REWARD`` (1e6), at most ``neurogym_lite.tasks.timing.MAX_STEPS_PER_TRIAL``
    steps per trial; each is a module constant, and the error names it. Wrong types raise a
    ``TypeError`` and out-of-range values a ``ValueError``, both naming the argument; nothing is
    clamped or rounded (``coh=150`` or ``ground_truth=0.7`` are refused).
    """

    default_timing: ClassVar[Mapping[str, TimingSpec]] = {
        "fixation": 100,
        "stimulus": 2000,
        "delay": 0,
        "decision": 100,
    }
    required_periods: ClassVar[tuple[str, ...]] = ("stimulus", "decision")
    # NeuroGym's task metadata (env_string, all_tags): the paper the task follows, and its tags
    metadata: ClassVar[dict[str, Any]] = {  # type: ignore[misc]
        "render_modes": [],
        "paper_link": "https://www.jneurosci.org/content/12/12/4745",
        "paper_name": "The analysis of visual motion: a comparison of neuronal and psychophysical performance "
                      "(Britten, Shadlen, Newsome & Movshon 1992)",
        "tags": ["perceptual", "two-alternative", "supervised"],
    }
    #: reward names and defaults; the ``rewards`` argument is merged into these
    default_rewards: ClassVar[Mapping[str, float]] = DEFAULT_REWARDS
    #: what ``abort=True`` ends a trial on, for ``print(env)``
    abort_event: ClassVar[str] = "broken fixation"

    def __init__(
        self,
        dt: float = 100,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, TimingSpec] | None = None,
        cohs: Sequence[float] | None = None,
        sigma: float = 1.0,
        dim_ring: int = 2,
        abort: bool = False,
        enforce_fixation: bool = False,
    ) -> None:
        self.rewards = _check_rewards(rewards, self.default_rewards)
        self.cohs = _check_cohs(cohs)
        if isinstance(sigma, bool) or not isinstance(sigma, (int, float, np.integer, np.floating)):
            raise TypeError(f"sigma must be a non-negative number, got {sigma!r}")
        if not math.isfinite(sigma) or sigma < 0:
            raise ValueError(f"sigma must be a non-negative finite number, got {sigma!r}")
        if sigma > MAX_SIGMA:
            raise ValueError(
                f"sigma={sigma!r} is above the limit MAX_SIGMA={MAX_SIGMA:g} (the noise would swamp any "
                "signal and overflow the float32 bounds); raise "
                "neurogym_lite.tasks.perceptual_decision_making.MAX_SIGMA if you really mean it"
            )
        if isinstance(dim_ring, bool) or not isinstance(dim_ring, (int, np.integer)):
            raise TypeError(f"dim_ring must be an integer >= 2, got {dim_ring!r}")
        if dim_ring < 2:
            raise ValueError(f"dim_ring must be an integer >= 2, got {dim_ring!r}")
        if dim_ring > MAX_DIM_RING:
            raise ValueError(
                f"dim_ring={dim_ring!r} is above the limit MAX_DIM_RING={MAX_DIM_RING} (each step holds "
                "1 + dim_ring floats); raise neurogym_lite.tasks.perceptual_decision_making.MAX_DIM_RING "
                "if you need more directions"
            )
        if not isinstance(abort, (bool, np.bool_)):
            raise TypeError(f"abort must be True or False, got {abort!r}")
        if not isinstance(enforce_fixation, (bool, np.bool_)):
            raise TypeError(f"enforce_fixation must be True or False, got {enforce_fixation!r}")
        super().__init__(dt=dt, timing=timing)

        self.sigma = float(sigma)
        self.noise_std = self.sigma / math.sqrt(self.dt)
        self.dim_ring = int(dim_ring)
        self.abort = bool(abort)
        self.enforce_fixation = bool(enforce_fixation)
        self.theta = np.linspace(0, 2 * np.pi, self.dim_ring + 1)[:-1]
        #: the directions a trial's ``ground_truth`` is drawn from (NeuroGym's name)
        self.choices = np.arange(self.dim_ring)
        self.ob_names = ["fixation"] + [f"stimulus_{i + 1}" for i in range(self.dim_ring)]
        self.act_names = ["fixate"] + [f"choice_{i + 1}" for i in range(self.dim_ring)]
        # Gymnasium's checker rejects infinite bounds, so the stimulus channels are bounded at 10
        # noise standard deviations beyond the signal's range and clipped there: a draw that far
        # out has probability ~1e-23, so the clip never changes a real observation.
        max_signal = float(self.cohs.max()) / 200
        stim_low = min(0.0, 0.5 - max_signal - 10 * self.noise_std)
        stim_high = 0.5 + max_signal + 10 * self.noise_std
        if not stim_high < float(np.finfo(np.float32).max):  # tiny dt and huge sigma: float32 overflow
            raise ValueError(
                f"sigma={sigma!r} at dt={self.dt:g} ms gives a per-step noise ({self.noise_std:g}) too "
                "large for float32 observations; lower sigma or raise dt"
            )
        self._stim_low, self._stim_high = np.float32(stim_low), np.float32(stim_high)
        low = np.full(1 + self.dim_ring, self._stim_low, dtype=np.float32)
        high = np.full(1 + self.dim_ring, self._stim_high, dtype=np.float32)
        low[0], high[0] = 0.0, 1.0
        # named as NeuroGym names them (env.observation_space.name['stimulus'], action_space.name['choice'])
        ring = list(range(1, 1 + self.dim_ring))
        self.observation_space = spaces.Box(low, high, dtype=np.float32, name={"fixation": 0, "stimulus": ring})
        self.action_space = spaces.Discrete(1 + self.dim_ring, name={"fixation": 0, "choice": ring})
        # Read on every step: plain floats avoid dict look-ups in the hot path.
        self._r_abort = self.rewards["abort"]
        self._r_correct = self.rewards["correct"]
        self._r_fail = self.rewards["fail"]
        # Noise-free observations and ground truth of each (layout, gt, coh) seen; see _new_trial.
        self._templates: dict[tuple[Any, ...], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._template_bytes = 0

    def _draw_trial(self, kwargs: dict[str, Any]) -> tuple[float, int]:
        """The trial's coherence and 0-based direction: from ``kwargs`` when given (and checked),
        else drawn from ``self.np_random`` (coherence first, then direction)."""
        if kwargs:
            unknown = set(kwargs) - {"coh", "ground_truth"}
            if unknown:
                raise ValueError(
                    f"unknown trial parameter(s) {sorted(unknown)}; expected 'coh' and/or 'ground_truth'"
                )
            # Checked before any draw: a refused trial leaves the generator and the trial untouched.
            coh, gt = kwargs.get("coh"), kwargs.get("ground_truth")
            if coh is not None:
                if isinstance(coh, (bool, np.bool_)) or not isinstance(coh, (int, float, np.integer, np.floating)):
                    raise TypeError(f"coh must be a coherence in % (a number), got {coh!r}")
                if not 0 <= coh <= 100:  # also refuses NaN
                    raise ValueError(f"coh must be a coherence in % between 0 and 100, got {coh!r}")
            if gt is not None:
                if isinstance(gt, (bool, np.bool_)) or not isinstance(gt, (int, np.integer)):
                    raise TypeError(f"ground_truth must be an integer direction in range({self.dim_ring}), got {gt!r}")
                if not 0 <= gt < self.dim_ring:
                    raise ValueError(f"ground_truth must be in range({self.dim_ring}), got {gt!r}")
        rng = self.np_random
        coh = kwargs.get("coh")
        coh = float(self.cohs[rng.integers(len(self.cohs))]) if coh is None else float(coh)
        gt = kwargs.get("ground_truth")
        gt = int(rng.integers(self.dim_ring)) if gt is None else int(gt)
        return coh, gt

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        coh, gt = self._draw_trial(kwargs)
        rng = self.np_random

        # This is what add_period / add_ob / add_randn / set_groundtruth would do, written out:
        # a new trial starts every ~10 steps, so its cost is a large share of a step's. The random
        # draws are the same calls in the same order, so a seed gives the same trials as before.
        timing = self._timing
        e_fix = timing["fixation"].sample(rng)
        e_stim = e_fix + timing["stimulus"].sample(rng)
        e_delay = e_stim + timing["delay"].sample(rng)
        n = e_delay + timing["decision"].sample(rng)
        self.start_ind = {"fixation": 0, "stimulus": e_fix, "delay": e_stim, "decision": e_delay}
        self.end_ind = {"fixation": e_fix, "stimulus": e_stim, "delay": e_delay, "decision": n}
        self._n_steps = n
        # The noise-free observations and ground truth depend only on the layout, gt and coh.
        key = (e_fix, e_stim, e_delay, n, gt, coh)
        template = self._templates.get(key)
        if template is None:
            template = self._make_template(e_fix, e_stim, e_delay, n, gt, coh)
        ob = template[0].copy()
        if self.noise_std > 0:
            # Same draws as ``standard_normal((stim_steps, dim_ring))`` (C order), same float32
            # arithmetic as ``signal + noise_std * noise``, done on a contiguous copy (faster
            # than on the strided block of ``ob``), then written into the stimulus block.
            stim = rng.standard_normal(template[2].size, dtype=np.float32)
            stim *= self.noise_std
            stim += template[2]
            # Clip to the space's bounds only when needed (never, in practice): a cheap exact test.
            # (tolist is the fastest exact test on a short trial; on a long one it would copy a lot)
            values = stim.tolist() if stim.size <= 4096 else (stim.min(), stim.max())
            if min(values) < self._stim_low or max(values) > self._stim_high:
                np.clip(stim, self._stim_low, self._stim_high, out=stim)
            ob[e_fix:e_stim, 1:] = stim.reshape(e_stim - e_fix, self.dim_ring)
        self._ob = ob
        self._gt = template[1].copy()
        return {"ground_truth": gt, "coh": coh}

    def _make_template(
        self, e_fix: int, e_stim: int, e_delay: int, n: int, gt: int, coh: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ob = np.zeros((n, 1 + self.dim_ring), dtype=np.float32)
        ob[:e_delay, 0] = 1.0
        signal = np.cos(self.theta - self.theta[gt]) * (coh / 200) + 0.5
        ob[e_fix:e_stim, 1:] = signal.astype(np.float32)
        stim = ob[e_fix:e_stim, 1:].ravel()  # a contiguous copy: the stimulus block, flattened
        gts = np.zeros(n, dtype=np.int64)
        gts[e_delay:n] = gt + 1
        # random durations or many coherences: stay bounded, in entries and in memory
        self._template_bytes += 2 * ob.nbytes + gts.nbytes
        if len(self._templates) >= 512 or self._template_bytes > 64 * 2**20:
            self._templates.clear()
            self._template_bytes = 2 * ob.nbytes + gts.nbytes
        self._templates[(e_fix, e_stim, e_delay, n, gt, coh)] = (ob, gts, stim)
        return ob, gts, stim

    def _step(self, action: int) -> tuple[float, bool]:
        if action == 0:
            return 0.0, False
        # A choice is asked for wherever the ground truth is one: the decision period (and, under
        # the ReactionTime wrapper, the stimulus after its first step).
        gt = self._gt_list[self.t_ind]
        if gt:
            if action == gt:
                self.performance = 1
                return self._r_correct, True
            return self._r_fail, True
        period = self._period_at[self.t_ind]
        # Every other period has the fixation cue on; NeuroGym polices only `fixation`.
        if period == "fixation" or self.enforce_fixation:
            if self.abort:
                self.trial["aborted"] = True
            return self._r_abort, self.abort
        return 0.0, False

    @property
    def reward_bounds(self) -> tuple[float, float]:
        values = [0.0, *self.rewards.values()]
        values += [v + self.r_tmax for v in values]
        return (min(values), max(values))

    def _describe_extra(self) -> list[str]:
        return [
            "  rewards: " + ", ".join(f"{k} {v:+g}" for k, v in self.rewards.items()),
            "  coherences (percent): " + ", ".join(f"{c:g}" for c in self.cohs),
            f"  noise: sigma={self.sigma:g} (std {self.noise_std:.3g} per step), "
            f"abort on {self.abort_event}: {self.abort}",
            "  fixation required: " + ("whenever the fixation cue is on (enforce_fixation=True)"
                                        if self.enforce_fixation else "in the fixation period only"),
        ]


def _check_rewards(rewards: Mapping[str, float] | None, defaults: Mapping[str, float]) -> dict[str, float]:
    merged = dict(defaults)
    if rewards is None:
        return merged
    if not isinstance(rewards, Mapping):
        raise TypeError(f"rewards must be a dict with keys from {list(defaults)}, got {rewards!r}")
    unknown = [k for k in rewards if k not in defaults]
    if unknown:
        raise ValueError(f"rewards has unknown key(s) {unknown}; expected keys from {list(defaults)}")
    for k, v in rewards.items():
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise TypeError(f"rewards[{k!r}] must be a finite number, got {v!r}")
        if not math.isfinite(v):
            raise ValueError(f"rewards[{k!r}] must be a finite number, got {v!r}")
        if abs(v) > MAX_ABS_REWARD:
            raise ValueError(
                f"rewards[{k!r}]={v!r} is beyond the limit MAX_ABS_REWARD={MAX_ABS_REWARD:g} in magnitude; "
                "rescale the rewards (or raise neurogym_lite.tasks.perceptual_decision_making.MAX_ABS_REWARD)"
            )
        merged[k] = float(v)
    return merged


def _check_cohs(cohs: Sequence[float] | None) -> np.ndarray:
    if cohs is None:
        return np.array(DEFAULT_COHS)
    # a string, a set or a bare number is not a list of coherences; neither are booleans
    if isinstance(cohs, (str, bytes, Mapping)) or not isinstance(cohs, (Sequence, np.ndarray)):
        raise TypeError(f"cohs must be a list of coherences in %, got {cohs!r}")
    raw = cohs.ravel() if isinstance(cohs, np.ndarray) else np.asarray(list(cohs), dtype=object).ravel()
    if raw.dtype.kind not in "iuf" and not all(
        isinstance(c, (int, float, np.integer, np.floating)) and not isinstance(c, (bool, np.bool_)) for c in raw
    ):
        raise TypeError(f"cohs must be a list of coherences in % (numbers, not booleans or strings), got {cohs!r}")
    try:
        arr = np.asarray(raw, dtype=float).ravel()
    except (TypeError, ValueError):
        raise TypeError(f"cohs must be a list of coherences in %, got {cohs!r}") from None
    if arr.size == 0 or not np.all(np.isfinite(arr)) or np.any((arr < 0) | (arr > 100)):
        raise ValueError(f"cohs must be a non-empty list of coherences between 0 and 100 %, got {cohs!r}")
    return arr
