"""NeuroGym's ``ReactionTime`` wrapper: answer during the stimulus of a fixed-duration task."""

from __future__ import annotations

from typing import Any, SupportsFloat

import gymnasium as gym

from neurogym_lite.utils.validation import check_bool, check_real
from neurogym_lite.wrappers.forwarding import ForwardAttributes

__all__ = ["ReactionTime"]


class ReactionTime(ForwardAttributes, gym.Wrapper[Any, Any, Any, Any]):
    """Let the agent answer as soon as the stimulus is on (NeuroGym's ``ReactionTime``).

    On a task with ``stimulus`` and ``decision`` periods (``PerceptualDecisionMaking-v0``), every
    trial is changed so that:

    - a choice is judged from the **second step of the stimulus** on (the correct action there is
      the decision period's), and it ends the trial with the task's ``correct``/``fail`` reward;
    - the fixation cue turns off at stimulus onset: it tells the agent that it may answer (as in
      NeuroGym's task and in this package's ``PerceptualDecisionMakingRT-v0``);
    - with ``end_on_stimulus=True`` (the default) the trial ends when the stimulus does, the
      delay and decision periods dropped; otherwise they stay, and a choice is judged through
      them too (NeuroGym's wrapper leaves the delay's correct action at "fixate", so that an
      answer in the delay is always wrong);
    - ``urgency`` is added to the reward of every step (a cost of time when negative; give
      ``PassReward`` its ``reward_bounds`` then);
    - the step that ends a trial reports ``info['tr_dur']``, the trial's length in steps
      (NeuroGym's is always 0).

    The wrapper changes the task itself (as NeuroGym's trial wrappers do): the task underneath
    behaves so from the next trial on, however it is reached. For a reaction-time task designed as
    one (a deadline, a miss cost, the monkeys' timing), use ``PerceptualDecisionMakingRT-v0``.
    """

    metadata: dict[str, Any] = {  # noqa: RUF012 (gymnasium declares it so)
        "render_modes": [],
        "description": "The agent may answer from the second step of the stimulus on; by default the trial "
        "ends with the stimulus.",
    }

    def __init__(self, env: gym.Env, urgency: float = 0.0, end_on_stimulus: bool = True) -> None:
        super().__init__(env)
        self.urgency = check_real("urgency", urgency)
        self.end_on_stimulus = check_bool("end_on_stimulus", end_on_stimulus)
        # PassReward reads the task's reward bounds only through wrappers that keep rewards as they are
        self.passes_reward_through = self.urgency == 0.0
        task = env.unwrapped
        periods = tuple(getattr(task, "timing", {}) or ())
        if not hasattr(task, "add_trial_modifier") or not {"stimulus", "decision"} <= set(periods):
            raise TypeError(f"ReactionTime needs a task with 'stimulus' and 'decision' periods (a TrialEnv such as "
                            f"PerceptualDecisionMaking-v0), got {type(task).__name__} with periods {list(periods)}")
        if getattr(task, "enforce_fixation", False):
            raise ValueError("ReactionTime: the task was made with enforce_fixation=True, which requires fixation "
                             "during the stimulus, where this wrapper lets the agent answer; make it with "
                             "enforce_fixation=False (or use PerceptualDecisionMakingRT-v0)")
        names = list(getattr(task, "ob_names", []))
        self._cue = names.index("fixation") if "fixation" in names else None
        task.add_trial_modifier(self)
        self.tr_dur = 0

    # ------------------------------------------------------------------ the task's trials
    def on_reset(self, task: Any) -> None:
        pass

    def before_trial(self, task: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
        return kwargs

    def after_trial(self, task: Any, trial: dict[str, Any]) -> None:
        start, end = task.start_ind["stimulus"], task.end_ind["stimulus"]
        gt = task.gt
        choice = int(gt[task.start_ind["decision"]])
        gt[start + 1:] = choice
        if self._cue is not None:
            task.ob[start:, self._cue] = 0.0
        if self.end_on_stimulus:
            task.truncate_trial(end)

    # ------------------------------------------------------------------ gymnasium API
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
        self.tr_dur = 0
        return self.env.reset(seed=seed, options=options)

    def step(self, action: Any) -> tuple[Any, SupportsFloat, bool, bool, dict[str, Any]]:
        obs, reward, terminated, truncated, info = self.env.step(action)
        self.tr_dur += 1
        if info.get("new_trial", False):
            info["tr_dur"] = self.tr_dur
            self.tr_dur = 0
        return obs, float(reward) + self.urgency, terminated, truncated, info
