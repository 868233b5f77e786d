"""Draw one trial of the random-dots task for given settings: the redraw behind notebook 1's
interactive explorer (sliders for coherence, noise and period durations).

:func:`draw_trial` is a plain function so that it can be tested, and reused, without a browser;
:func:`trial_explorer` wires it to ipywidgets sliders.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

import numpy as np

from neurogym_lite.behaviour.ideal_observer import ideal_observer_accuracy
from neurogym_lite.tasks.perceptual_decision_making import PerceptualDecisionMaking

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["draw_trial", "trial_explorer"]


def draw_trial(
    coh: float = 12.8,
    sigma: float = 1.0,
    fixation: float = 300,
    stimulus: float = 500,
    decision: float = 300,
    dt: float = 100,
    ground_truth: int = 0,
    seed: int = 0,
    figsize: tuple[float, float] = (9, 5),
) -> Figure:
    """Build one trial with these settings and plot what the agent sees, plus the evidence an
    ideal observer accumulates (stimulus 1 minus stimulus 2, summed over time).

    Invalid settings raise the task's own ``ValueError`` (e.g. a duration that is not a
    multiple of ``dt``); a ``coh`` or ``ground_truth`` of the wrong type a ``TypeError``.
    """
    import matplotlib.pyplot as plt

    # Checked here, not only by the task, so that the error names this function's arguments.
    if isinstance(coh, (bool, np.bool_)) or not isinstance(coh, (int, float, np.integer, np.floating)):
        raise TypeError(f"coh must be a coherence in % (a number), got {coh!r}")
    if not 0 <= coh <= 100:
        raise ValueError(f"coh must be a coherence in % between 0 and 100, got {coh!r}")
    if isinstance(ground_truth, (bool, np.bool_)) or not isinstance(ground_truth, (int, np.integer)):
        raise TypeError(f"ground_truth must be 0 or 1 (the correct stimulus channel, 0-based), got {ground_truth!r}")
    if ground_truth not in (0, 1):
        raise ValueError(f"ground_truth must be 0 or 1 (the correct stimulus channel, 0-based), got {ground_truth!r}")

    env = PerceptualDecisionMaking(
        dt=dt, sigma=sigma, cohs=[coh],
        timing={"fixation": fixation, "stimulus": stimulus, "decision": decision},
    )
    env.reset(seed=seed, options={"trial": {"coh": coh, "ground_truth": ground_truth}})
    # Each step covers [t, t + dt): draw step edges so that traces and period shading line up.
    ob = np.vstack([env.ob, env.ob[-1:]])
    t = np.arange(ob.shape[0]) * dt
    fig, (ax_ob, ax_ev) = plt.subplots(2, 1, sharex=True, figsize=figsize, height_ratios=[3, 2])
    for name, color in (("stimulus", "#fde9c9"), ("decision", "#e4e4e4")):
        ax_ob.axvspan(env.start_t[name], env.end_t[name], color=color, lw=0)
        ax_ev.axvspan(env.start_t[name], env.end_t[name], color=color, lw=0, label=f"{name} period")
    ax_ob.plot(t, ob[:, 0], drawstyle="steps-post", color="k", lw=1.5, label="fixation cue")
    correct = ground_truth + 1
    for i in (1, 2):
        tag = " (correct)" if i == correct else ""
        ax_ob.plot(t, ob[:, i], drawstyle="steps-post", lw=1.8, label=f"stimulus {i}{tag}")
    ax_ob.set_ylabel("observation value")
    ax_ob.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)

    evidence = np.cumsum(ob[:, 1] - ob[:, 2])
    evidence[-1] = evidence[-2]  # the repeated last row is only an edge, not another sample
    ax_ev.axhline(0, color="0.6", lw=0.8)
    ax_ev.plot(t, evidence, drawstyle="steps-post", color="C3", lw=2,
               label="evidence for 1 over 2\n(running sum)")
    ax_ev.set_ylabel("summed evidence")
    ax_ev.set_xlabel("time in trial (ms)")
    ax_ev.set_xlim(0, t[-1])
    ax_ev.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ideal = float(ideal_observer_accuracy(coh, sigma=sigma, dt=dt, stim_duration=stimulus)[0])
    fig.suptitle(f"One trial: coherence {coh:g}%, sigma {sigma:g}, dt {dt:g} ms; "
                 f"ideal observer accuracy {ideal:.2f}", fontsize=11)
    fig.tight_layout()
    return fig


_SLIDERS = ("coh", "sigma", "fixation", "stimulus", "decision", "seed")
_DRAW_TRIAL_ARGS = tuple(inspect.signature(draw_trial).parameters)


def trial_explorer(**defaults: Any) -> Any:
    """Sliders for coherence, noise and period durations that redraw :func:`draw_trial`.

    ``defaults`` are any of :func:`draw_trial`'s arguments: those with a slider (``coh``,
    ``sigma``, ``fixation``, ``stimulus``, ``decision``, ``seed``) set its starting value, the
    others (``dt``, ``ground_truth``, ``figsize``) are passed on unchanged. The duration sliders
    move in multiples of ``dt``.
    """
    unknown = sorted(set(defaults) - set(_DRAW_TRIAL_ARGS))
    if unknown:
        raise TypeError(f"trial_explorer got unknown argument(s) {unknown}; expected some of {list(_DRAW_TRIAL_ARGS)}")
    dt = defaults.get("dt", 100)
    if isinstance(dt, (bool, np.bool_)) or not isinstance(dt, (int, np.integer)) or dt < 1:
        raise TypeError(f"dt must be a positive integer number of ms for the sliders, got {dt!r}")
    # a multiple of dt near 100 ms, so that every slider position is a valid duration
    step = dt * max(1, round(100 / dt))
    try:
        import ipywidgets as widgets
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("the trial explorer needs ipywidgets: pip install ipywidgets") from err
    import matplotlib.pyplot as plt

    fixed = {k: v for k, v in defaults.items() if k not in _SLIDERS}

    def redraw(**kwargs: Any) -> None:
        draw_trial(**kwargs, **fixed)
        plt.show()

    # "initial" keeps the labels whole (ipywidgets' default width cuts "coherence %" short).
    style = {"description_width": "initial"}
    controls = {
        "coh": widgets.FloatSlider(value=defaults.get("coh", 12.8), min=0, max=100, step=0.1,
                                   description="coherence %", continuous_update=False, style=style),
        "sigma": widgets.FloatSlider(value=defaults.get("sigma", 1.0), min=0, max=3, step=0.1,
                                     description="noise sigma", continuous_update=False, style=style),
        "fixation": widgets.IntSlider(value=defaults.get("fixation", 3 * step), min=0, max=10 * step, step=step,
                                      description="fixation ms", continuous_update=False, style=style),
        "stimulus": widgets.IntSlider(value=defaults.get("stimulus", 5 * step), min=step, max=30 * step,
                                      step=step, description="stimulus ms", continuous_update=False, style=style),
        "decision": widgets.IntSlider(value=defaults.get("decision", 3 * step), min=step, max=10 * step, step=step,
                                      description="decision ms", continuous_update=False, style=style),
        "seed": widgets.IntSlider(value=defaults.get("seed", 0), min=0, max=50, description="noise seed",
                                  continuous_update=False, style=style),
    }
    return widgets.interact(redraw, **controls)
