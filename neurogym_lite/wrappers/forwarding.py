"""Attribute access through this package's wrappers, as NeuroGym's code expects it."""

from __future__ import annotations

from typing import Any

__all__ = ["ForwardAttributes"]


class ForwardAttributes:
    """Mixin for a :class:`gymnasium.Wrapper`: a public attribute the wrapper lacks is read from
    the env underneath, through any wrappers (``get_wrapper_attr``).

    Gymnasium 1.x dropped this forwarding, but NeuroGym's examples (written for gymnasium 0.29)
    use it: ``PassReward(env).timing``, ``Monitor(env).new_trial()``, ``env.ob``. Only reading is
    forwarded (assignment sets the attribute on the wrapper, as in gymnasium); private names
    (``_x``) are not forwarded.
    """

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails. ``env`` is read from __dict__ so that a wrapper
        # being unpickled (no ``env`` yet) gets an AttributeError rather than recursing.
        env = self.__dict__.get("env")
        if name.startswith("_") or env is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return env.get_wrapper_attr(name)
