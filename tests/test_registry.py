"""The shared registry: duplicates raise, unknown names and parameters get suggestions, lazy entries import once."""

import pytest

from graphssl.errors import ConfigError
from graphssl.registry import Registry, import_plugins


def make(alpha: int = 1, beta: int = 2):
    return alpha + beta


def test_duplicate_name_raises():
    registry = Registry("widget")
    registry.register("a", make)
    with pytest.raises(ConfigError, match="widget 'a' is already registered"):
        registry.register("a", make)
    registry.register("a", lambda: 0, replace=True)
    assert registry.get("a")() == 0


def test_unknown_name_suggests_close_match():
    registry = Registry("widget", hint="see the docs")
    registry.register("graphmae", make)
    with pytest.raises(ConfigError, match=r"unknown widget 'grapmae' \(did you mean 'graphmae'\?\); known: graphmae; see the docs"):
        registry.get("grapmae")


def test_build_checks_parameters():
    registry = Registry("widget")
    registry.register("m", make)
    assert registry.build("m", {"alpha": 5}) == 7
    with pytest.raises(ConfigError, match=r"widget 'm' has no parameter 'alpah' \(did you mean 'alpha'\?\)"):
        registry.build("m", {"alpah": 5})


def test_decorator_and_lazy_target():
    registry = Registry("widget")

    @registry.register("cls")
    class Widget:
        pass

    registry.register("lazy", "collections:OrderedDict")
    assert registry.get("cls") is Widget
    import collections

    assert registry.get("lazy") is collections.OrderedDict
    assert registry.names() == ["cls", "lazy"] and "cls" in registry and len(registry) == 2


def test_import_plugins_names_the_module():
    import_plugins(["json"])
    with pytest.raises(ConfigError, match=r"imports\[0\]: cannot import 'no_such_module_xyz'"):
        import_plugins(["no_such_module_xyz"])


def test_unknown_name_loads_entry_point_plugins_once(monkeypatch):
    from importlib import metadata

    import graphssl.registry as registry_module

    registry = Registry("widget")
    loads = []

    class FakeEntryPoint:
        name, value = "toy", "toy_plugin"

        def load(self):
            loads.append(self.name)
            registry.register("from_plugin", make)  # what importing the plugin module does

    groups = []
    monkeypatch.setattr(metadata, "entry_points", lambda group: groups.append(group) or [FakeEntryPoint()])
    monkeypatch.setattr(registry_module, "_plugins_loaded", False)
    assert registry.get("from_plugin") is make
    with pytest.raises(ConfigError, match="unknown widget 'other'"):
        registry.get("other")
    assert groups == [registry_module.PLUGIN_GROUP] and loads == ["toy"]
