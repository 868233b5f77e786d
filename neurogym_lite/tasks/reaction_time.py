"""Random-dots motion discrimination, reaction-time version (Roitman & Shadlen 2002)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from neurogym_lite.tasks.perceptual_decision_making import PerceptualDecisionMaking
from neurogym_lite.tasks.timing import TimingSpec

DEFAULT_RT_REWARDS: dict[str, float] = {"abort": -1.0, "correct": 1.0, "fail": -3.0, "miss": -3.0}
DEFAULT_RT_TIMING: dict[str, TimingSpec] = {"fixation": 500, "stimulus": 2000}
DEFAULT_RT_DT = 20.0
DEFAULT_RT_SIGMA = 2.0


class PerceptualDecisionMakingRT(PerceptualDecisionMaking):
    r"""Random-dots motion discrimination in which the agent answers whenever it is ready.

    ## Description
    As in :class:`~neurogym_lite.tasks.PerceptualDecisionMaking`, a patch of dots moves with a
    *coherence* (in %) towards one of ``dim_ring`` directions, but here the stimulus stays on
    until the agent chooses or a deadline passes, and choosing ends the trial at once: the
    agent decides both *what* to answer and *when* (Roitman & Shadlen 2002). The fixation cue
    turns off at stimulus onset, the "go" signal: from then on the agent may respond.

    ## Periods (one trial)
    | period     | default  | fixation cue | stimulus       | correct action       |
    |------------|----------|--------------|----------------|----------------------|
    | `fixation` | 500 ms   | 1            | 0              | 0 (fixate)           |
    | `stimulus` | 2000 ms  | 0            | signal + noise | ``1 + ground_truth`` |

    The `stimulus` duration is the *deadline*: the trial ends when the agent chooses, or at
    the end of the `stimulus` period if it never does.

    ## Observation Space
    ``Box(shape=(1 + dim_ring,), dtype=float32)``

    | index | name         | range     | meaning                                                            |
    |-------|--------------|-----------|--------------------------------------------------------------------|
    | 0     | `fixation`   | {0, 1}    | 1 during `fixation`, 0 once the stimulus is on (go signal)         |
    | 1..n  | `stimulus_i` | see below | ``cos(theta_i - theta_gt) * coh/200 + 0.5`` plus N(0, sigma²/dt) noise |

    The stimulus channels are bounded (and clipped) 10 noise standard deviations beyond the
    signal's range, exactly as in ``PerceptualDecisionMaking``.

    ## Action Space
    ``Discrete(1 + dim_ring)``: 0 = fixate (keep watching), ``i`` = choose direction ``i``.

    ## Rewards
    | event                                     | reward (default)             | ends the trial |
    |-------------------------------------------|------------------------------|----------------|
    | any choice during `fixation` (abort)      | ``rewards['abort']`` (-1)    | if ``abort``   |
    | the correct choice during `stimulus`      | ``rewards['correct']`` (+1)  | yes            |
    | a wrong choice during `stimulus`          | ``rewards['fail']`` (-3)     | yes            |
    | no choice by the deadline                 | ``rewards['miss']`` (-3)     | yes            |
    | anything else                             | 0                            | no             |

    **Fixation is enforced** (``abort=True`` by default): a choice before the go signal ends the
    trial, as breaking fixation aborts the monkeys' trial; with ``abort=False`` it only costs
    ``rewards['abort']`` and the trial goes on, so the agent could answer blind and be corrected.

    **Speed against accuracy.** Trials follow one another, so an agent that answers early
    fits more trials, and more reward, into the same time (and ``gamma < 1`` discounts late
    rewards as well). With the coherences interleaved at random, the policy that earns the most
    reward per unit time is a bound on the accumulated evidence that collapses as the trial goes
    on (Drugowitsch et al. 2012): a trial still undecided late is probably a hard one, not worth
    more waiting. For an ideal integrator with the defaults, that policy (found by dynamic
    programming, :mod:`neurogym_lite.behaviour.optimal_policy`) earns 0.362 rewards per second
    against 0.339 for the best constant bound, with median decision times of 740 ms at 0 %
    coherence and 140 ms at 51.2 % (best constant bound: 460 and 120 ms; ``python
    tools/rt_reward_rate.py`` prints both, with accuracies and RT quantiles). The monkeys' mean RT
    at 0 % minus their fitted non-decision time is ~480-660 ms. There is no explicit urgency
    signal or time cost: the fixation period and the discount are the cost of time.

    Why these values (measured in ``benchmarks/README.md``, section 5, with
    :data:`neurogym_lite.agents.recipe.RT_RECIPE`; there, all 3 tuning seeds of that recipe give agents
    whose accuracy rises from chance to ~100 % and whose mean RT falls with coherence, by 220-460 ms;
    on 12 seeds never used to tune it, 6 do; training stopped at a validation test that fresh trials
    confirm gives 29 of 40 over four more held-out sets; no population's median RT distribution is
    as narrow as the monkeys': notebook 7, section 6):

    - ``fail = -3``: with -2, agents drifted back toward fast answers as training went on (mean RT
      at 0 % coherence of 340-360 ms after 300k steps, 130-270 ms after 500k);
    - ``miss = fail``: never answering is never safer than guessing (a guess at 0 % coherence
      costs -1 on average, a miss -3);
    - ``abort = -1``: with NeuroGym's -0.1, 11-17 % of the agents' trials ended with a choice
      repeated at the first step of the next trial's fixation, nearly free; -1 removes them;
    - the deadline (2000 ms) lies beyond most reaction times of Roitman & Shadlen's monkeys.

    **Time step and noise.** ``dt = 20`` ms measures reaction times in 20 ms bins. The per-step
    noise is ``sigma / sqrt(dt)``, so the evidence per unit time does not depend on ``dt``: a
    perfect integrator has a drift of ``22.4 / sigma`` per second per unit coherence (in units of
    its own noise), 11.2 with the default ``sigma = 2``, close to the monkeys' ~10 (a
    drift-diffusion fit to their trials, ``neurogym_lite.behaviour.monkeys.monkey_ddm_fits``): at
    low coherence, many frames are needed.

    ``info['performance']`` is 1 for a correct choice, 0 otherwise (wrong, aborted, no choice).

    ## Starting State and Episode End
    Each trial draws ``coh`` uniformly from ``cohs`` and ``ground_truth`` (0-based direction)
    uniformly from ``range(dim_ring)``. Trials follow one another in one endless episode. The
    step that ends a trial gives ``info['trial']`` of **the trial that just ended**:
    ``{'ground_truth', 'coh', 'stim_onset_step', 'response_step', 'rt'}`` where
    ``stim_onset_step`` is the trial step at which the stimulus appeared, ``response_step`` the
    trial step of the choice and ``rt`` the reaction time in ms, counted from stimulus onset
    (a choice at the first stimulus step has ``rt = dt``: the agent saw one frame of dots).
    ``response_step`` and ``rt`` are ``None`` when the trial ended without a choice during the
    stimulus (abort or deadline).

    ## Arguments
    ``dt`` (ms per step, default 20), ``rewards`` (dict with keys ``abort``, ``correct``,
    ``fail``, ``miss``, merged with the defaults), ``timing`` (dict, merged with the defaults;
    ``stimulus`` is the deadline), ``cohs`` (coherences in %, default 0, 6.4, 12.8, 25.6, 51.2),
    ``sigma`` (noise, default 2.0: the per-step standard deviation is ``sigma / sqrt(dt)``),
    ``dim_ring`` (number of directions, default 2), ``abort`` (whether choosing during fixation
    ends the trial, default True). The defaults differ from the fixed-duration task's for the
    reasons above.
    """

    default_timing: ClassVar[Mapping[str, TimingSpec]] = DEFAULT_RT_TIMING
    required_periods: ClassVar[tuple[str, ...]] = ("stimulus",)
    metadata: ClassVar[dict[str, Any]] = {  # type: ignore[misc]
        **PerceptualDecisionMaking.metadata,  # the parent's render modes; its own paper and tags
        "paper_link": "https://www.jneurosci.org/content/22/21/9475",
        "paper_name": "Response of neurons in the lateral intraparietal area during a combined visual "
                      "discrimination reaction time task (Roitman & Shadlen 2002)",
        "tags": ["perceptual", "two-alternative", "reaction time"],
    }
    default_rewards: ClassVar[Mapping[str, float]] = DEFAULT_RT_REWARDS
    abort_event: ClassVar[str] = "early choice"

    # Same arguments as the fixed-duration task, with this task's defaults (see the docstring).
    # Spelled out so that an argument this task does not support is refused (TypeError).
    def __init__(
        self,
        dt: float = DEFAULT_RT_DT,
        rewards: Mapping[str, float] | None = None,
        timing: Mapping[str, TimingSpec] | None = None,
        cohs: Sequence[float] | None = None,
        sigma: float = DEFAULT_RT_SIGMA,
        dim_ring: int = 2,
        abort: bool = True,
        timeout_after_error: float = 0.0,
    ) -> None:
        super().__init__(dt=dt, rewards=rewards, timing=timing, cohs=cohs, sigma=sigma, dim_ring=dim_ring,
                         abort=abort)
        from neurogym_lite.tasks.timing import parse_timing
        from neurogym_lite.utils.validation import check_real

        self.timeout_after_error = check_real("timeout_after_error", timeout_after_error, low=0.0, high=60_000.0)
        # a multiple of dt, like every fixed duration (parse_timing says so if not)
        self._timeout_steps = (parse_timing("timeout_after_error", self.timeout_after_error, self.dt).params[0]
                               if self.timeout_after_error else 0)
        self._timeout_next = False

    def _new_trial(self, **kwargs: Any) -> dict[str, Any]:
        coh, gt = self._draw_trial(kwargs)

        timeout = self._timeout_steps if self._timeout_next else 0
        if timeout:
            # the blank screen after an error: nothing to see, nothing to do, time passing
            self.add_period("timeout", timeout * self.dt)
        self.add_period(["fixation", "stimulus"])
        self.add_ob(1.0, period="fixation", where="fixation")
        signal = np.cos(self.theta - self.theta[gt]) * (coh / 200) + 0.5
        self.add_ob(signal, period="stimulus", where="stimulus")
        if self.noise_std > 0:
            self.add_randn(0.0, self.noise_std, period="stimulus", where="stimulus")
            np.clip(self.ob[:, 1:], self._stim_low, self._stim_high, out=self.ob[:, 1:])
        self.set_groundtruth(gt + 1, period="stimulus")
        self._timeout_next = False  # served (cleared only once the trial is built)
        return {"ground_truth": gt, "coh": coh, "stim_onset_step": self.start_ind["stimulus"],
                "response_step": None, "rt": None, "timeout_steps": timeout}

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict[str, Any]]:
        pending = self._timeout_next
        self._timeout_next = False  # a fresh sequence starts without a time-out
        try:
            return super().reset(seed=seed, options=options)
        except BaseException:
            self._timeout_next = pending
            raise

    def _step(self, action: int) -> tuple[float, bool]:
        t = self.t_ind
        period = self._period_at[t]
        if period == "timeout":
            return 0.0, False
        if period == "fixation":
            if action == 0:
                return 0.0, False
            if self.abort:
                self.trial["aborted"] = True  # as the fixed-duration task marks a fixation break
            return self._r_abort, self.abort
        # stimulus: any choice ends the trial
        if action == 0:
            if t == self._n_steps - 1:
                self._timeout_next = True
                return self.rewards["miss"], True
            return 0.0, False
        onset = self.trial["stim_onset_step"]
        self.trial["response_step"] = t
        self.trial["rt"] = (t - onset + 1) * self.dt
        if action == self._gt_list[t]:
            self.performance = 1
            return self._r_correct, True
        self._timeout_next = True
        return self._r_fail, True

    def _describe_extra(self) -> list[str]:
        return [
            *super()._describe_extra(),
            "  reaction time: choosing during the stimulus ends the trial; stimulus = deadline",
        ]
