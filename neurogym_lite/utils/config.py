"""NeuroGym's ``Config``: settings from a TOML file, a dict or keyword arguments.

    from neurogym_lite.config import Config
    config = Config("config.toml")                                   # a file (NeuroGym's template)
    config = Config(local_dir="logs/", monitor={"interval": 500})     # keyword arguments
    config = Config.model_validate({"monitor": {"trigger": "step"}})  # a dict
    env = Monitor(env, config=config)                                # or config="config.toml"

Later sources win over earlier ones: the defaults, then the file, then the keyword arguments.
Every value is checked when it is set (also by assignment, ``config.monitor.interval = 10``), and a
bad one raises a ``ValueError``/``TypeError`` naming it (``monitor.interval``). ``${VAR}`` in a
string is replaced by the environment variable. What reads it: :class:`~neurogym_lite.wrappers.Monitor`
(``monitor.*`` and ``local_dir``); ``env`` and ``agent`` are kept for your own code, as in NeuroGym.

Differences from NeuroGym's (pydantic-settings) ``Config``, on purpose: a file that does not exist
raises ``FileNotFoundError`` (NeuroGym ignores it silently); a key the schema does not know is kept
(as NeuroGym does) but warned about, since it is usually a typo; ``NGYM_*`` environment variables
are not read.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from neurogym_lite.utils.validation import check_bool, check_choice, check_int, check_mapping, check_real

__all__ = ["Config", "ConfigSection"]

# ``neurogym_lite.config.config`` (NeuroGym's module path) is this module too (utils/moved.py): a
# __path__ lets the import system look for that submodule at all.
__path__: list[str] = []

#: NeuroGym's figure formats for monitor.plot.ext (Monitor accepts these)
_EXTS = ("png", "pdf", "svg", "svgz", "jpg", "jpeg", "eps", "ps", "tif", "tiff", "webp")


def _string(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {value!r:.80}")
    return os.path.expandvars(value)


def _path(name: str, value: Any) -> Path:
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path (str or pathlib.Path), got {value!r:.80}")
    return Path(os.path.expandvars(os.fspath(value)))


def _unit(name: str, value: Any) -> str:
    return check_choice(name, value, ("trial", "step"))


def _positive(name: str, value: Any) -> int:
    return check_int(name, value, 1)


Check = Callable[[str, Any], Any]
#: section -> {key: (check, default)}; a nested dict is a sub-section. NeuroGym's defaults.
SCHEMA: dict[str, Any] = {
    "local_dir": (_path, Path.cwd() / "runs"),
    "env": {"name": (_string, ""), "dt": (lambda n, v: check_real(n, v, low=0.0, low_open=True), 10)},
    "monitor": {
        "name": (_string, ""),
        "trigger": (_unit, "trial"),
        "interval": (_positive, 1000),
        "verbose": (check_bool, True),
        "plot": {
            "create": (check_bool, True),
            "step": (_positive, 10),
            "title": (_string, ""),
            "ext": (lambda n, v: check_choice(n, v, _EXTS), "png"),
        },
    },
    "agent": {
        "training": {"unit": (_unit, "trial"), "value": (_positive, 100)},
        "inference": {"unit": (_unit, "step"), "value": (_positive, 10000)},
    },
}


class ConfigSection:
    """One table of the configuration (``config.monitor``, ``config.monitor.plot``): attribute
    access, checked assignment, ``model_dump()``."""

    def __init__(self, schema: Mapping[str, Any], values: Mapping[str, Any], where: str = "") -> None:
        object.__setattr__(self, "_schema", schema)
        object.__setattr__(self, "_where", where)
        object.__setattr__(self, "_values", {})
        for key, spec in schema.items():
            if isinstance(spec, Mapping):
                sub = values.get(key, {})
                sub = dict(check_mapping(self._name(key), sub, "a table (dict) of settings"))
                self._values[key] = ConfigSection(spec, sub, self._name(key))
            else:
                setattr(self, key, values.get(key, spec[1]))
        for key in values:
            if key not in schema:
                if not isinstance(key, str):
                    raise TypeError(f"{self._name(str(key))}: setting names must be strings, got {key!r}")
                setattr(self, key, values[key])

    def _name(self, key: str) -> str:
        return f"{self._where}.{key}" if self._where else key

    def __setattr__(self, key: str, value: Any) -> None:
        spec = self._schema.get(key)
        if isinstance(spec, Mapping):
            raise AttributeError(f"{self._name(key)} is a table: set its entries ({', '.join(spec)})")
        if spec is None:
            known = ", ".join(self._schema)
            warnings.warn(f"unknown setting {self._name(key)!r} kept but not used (the settings here: {known})",
                          UserWarning, stacklevel=3)
            self._values[key] = value
            return
        self._values[key] = spec[0](self._name(key), value)

    def __getattr__(self, key: str) -> Any:
        values = self.__dict__.get("_values", {})
        if key in values:
            return values[key]
        raise AttributeError(f"no setting {self._name(key)!r}; the settings here: {', '.join(values)}")

    def model_dump(self) -> dict[str, Any]:
        """The settings as a nested dict (what ``Config.model_validate`` takes back)."""
        return {k: v.model_dump() if isinstance(v, ConfigSection) else v for k, v in self._values.items()}

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._values.items())
        return f"{type(self).__name__}({inner})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ConfigSection) and self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(dict(out[key]), value)
        else:
            out[key] = value
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"config_file {str(path)!r} is not valid TOML: {exc}") from None


class Config(ConfigSection):
    """NeuroGym's configuration: ``local_dir``, ``env``, ``monitor`` (with ``plot``), ``agent``.

    ``Config(config_file=None, **settings)``: the defaults, then the TOML file, then ``settings``
    (nested dicts for tables). ``Config.model_validate(d)`` is ``Config(**d)``. An empty
    ``monitor.plot.title`` becomes ``env.name``. ``pkg_dir`` is the package's folder.
    """

    def __init__(self, config_file: str | os.PathLike[str] | None = None, **settings: Any) -> None:
        values: dict[str, Any] = {}
        if config_file is not None:
            path = _path("config_file", config_file)
            if not path.is_file():
                raise FileNotFoundError(f"config_file {str(path)!r} does not exist (or is not a file)")
            values = _read_toml(path)
        object.__setattr__(self, "config_file", None if config_file is None else path)
        super().__init__(SCHEMA, _merge(values, settings))
        if not self.monitor.plot.title:
            self.monitor.plot.title = self.env.name

    @classmethod
    def model_validate(cls, obj: Mapping[str, Any]) -> Config:
        """A configuration from a (nested) dict, as pydantic's ``model_validate``."""
        return cls(**dict(check_mapping("obj", obj, "a dict of settings")))

    @property
    def pkg_dir(self) -> Path:
        return Path(__file__).resolve().parents[1]
