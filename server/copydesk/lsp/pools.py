"""The language server's configs and engines: one effective config per
folder (the config file found upward, client settings laid over it, the last
good one kept when an edit breaks it) and one engine per effective config
(the last good rules kept when an edit breaks them).

The server owns the protocol; this owns the pools.  What it needs from the
server (client settings, messages, publishing rule-file errors) comes
through ``PoolHost``.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from lsprotocol import types

from ..config import Config, ConfigError, find_config_file, load_config
from ..engine import Engine
from ..rules.model import RuleError
from .settings import ClientSettings

log = logging.getLogger(__name__)


class PoolHost(Protocol):
    def settings_for(self, path: str | None) -> ClientSettings: ...
    def folder_of(self, path: str | None) -> str | None: ...
    def default_folder(self) -> str: ...
    def log(self, message: str, kind: types.MessageType = ...) -> None: ...
    def show(self, message: str, kind: types.MessageType = ...) -> None: ...
    def publish_file_errors(self) -> None: ...
    def engines_changed(self) -> None: ...


class EnginePool:
    def __init__(self, host: PoolHost) -> None:
        self.host = host
        self.base_configs: dict[str, Config] = {}  # folder -> config found upward (copydesk.toml)
        self.good_base: dict[str, Config] = {}  # config file -> last config that parsed
        self.configs: dict[str, Config] = {}  # folder -> effective config (client settings merged)
        self.engines: dict[str, Engine] = {}  # repr(config) -> engine
        self.rule_errors: dict[str, list[RuleError]] = {}  # repr(config) -> errors of its last build
        self.config_errors: dict[str, list[RuleError]] = {}  # config file -> errors
        self.shown_setting_messages: set[str] = set()  # unknown ids in client settings, already shown

    def errors(self) -> list[RuleError]:
        """Every rule-file and config-file problem of the configs in use."""
        return [e for errs in self.rule_errors.values() for e in errs] + \
               [e for errs in self.config_errors.values() for e in errs]

    def base_config(self, folder: str) -> Config:
        if folder in self.base_configs:
            return self.base_configs[folder]
        found = find_config_file(Path(folder))
        cfg = Config()
        if found is not None:
            key = str(found)
            try:
                cfg = load_config(found)
                self.good_base[key] = cfg
                self.config_errors.pop(key, None)
            except ConfigError as e:
                self.config_errors[key] = e.errors
                cfg = self.good_base.get(key, Config())
                self.host.show(f"copydesk: {found.name} has {len(e.errors)} problem(s): {e.errors[0].message}"
                               + ("; keeping the last good settings" if key in self.good_base else ""),
                               types.MessageType.Error)
                self.host.publish_file_errors()
            except OSError as e:
                self.host.log(f"cannot read {found}: {e}", types.MessageType.Warning)
        self.base_configs[folder] = cfg
        return cfg

    def config_for_path(self, path: str | None) -> Config:
        folder = str(Path(path).parent) if path else self.host.default_folder()
        if folder in self.configs:
            return self.configs[folder]
        base = self.base_config(folder)
        settings = self.host.settings_for(path)
        anchor = self.host.folder_of(path) or base.root or folder
        cfg = base.merged(**settings.overrides(anchor))
        self.configs[folder] = cfg
        return cfg

    def engine_for(self, cfg: Config) -> Engine:
        key = repr(cfg)
        engine = self.engines.get(key)
        if engine is None:
            engine = self.build_engine(cfg, previous=None)
            self.engines[key] = engine
            self.host.engines_changed()
        return engine

    def build_engine(self, cfg: Config, previous: Engine | None) -> Engine:
        try:
            starting = getattr(self.host, "startup", None)
            built: Engine | Exception = starting.first_engine(lambda: Engine(cfg)) if starting is not None \
                else Engine(cfg)
        except Exception as e:
            log.exception("building the engine failed")
            built = e
        return self.adopt(cfg, built, previous)

    @staticmethod
    def construct(cfg: Config) -> Engine | Exception:
        """Build an engine and nothing else (no messages, no pool state):
        safe to run in a worker thread while the loop keeps serving."""
        try:
            return Engine(cfg)
        except Exception as e:
            log.exception("building the engine failed")
            return e

    def adopt(self, cfg: Config, built: Engine | Exception, previous: Engine | None) -> Engine:
        """The engine to use for ``cfg`` given a new build: the build, or the
        last good engine when the new rules have errors; says so."""
        key = repr(cfg)
        if isinstance(built, Exception):  # a broken corpus/config must not kill the server
            self.host.log(f"copydesk: could not load rules: {built}", types.MessageType.Error)
            if previous is not None:
                return previous
            built = Engine(Config())  # the bundled rules, so drafts still get checked
        engine = built
        self.rule_errors[key] = list(engine.errors)
        self.report_setting_problems(engine)
        if engine.errors:
            keep = previous is not None and not previous.errors
            first = engine.errors[0]
            self.host.show(
                f"copydesk: {len(engine.errors)} problem(s) in rule files, first {Path(first.path).name}:"
                f"{first.line}: {first.message}" + ("; keeping the last good rules" if keep else ""),
                types.MessageType.Error,
            )
            if keep:
                self.host.publish_file_errors()
                return previous
        self.host.publish_file_errors()
        return engine

    def report_setting_problems(self, engine: Engine) -> None:
        """Unknown rule ids/checks in the client's settings: one message
        naming them all, not repeated while the settings stay the same."""
        problems = engine.setting_problems
        message = None
        if problems:
            message = "copydesk settings: " + "; ".join(f"{p.key}: {p.message}" for p in problems)
        if message is not None and message not in self.shown_setting_messages:
            self.host.show(message, types.MessageType.Error)
        self.shown_setting_messages = {message} if message else set()

    def reset_settings(self) -> bool:
        """Client settings changed: recompute the configs of the folders in
        use, drop engines no config uses any more.  True when a config
        differs (documents must be linted again)."""
        before = dict(self.configs)
        self.configs.clear()
        after = {folder: self.config_for_path(os.path.join(folder, "_")) for folder in before}
        live = {repr(cfg) for cfg in after.values()}
        self.engines = {k: e for k, e in self.engines.items() if k in live}
        stale = [k for k in self.rule_errors if k not in live]
        for k in stale:
            del self.rule_errors[k]
        if stale:
            self.host.publish_file_errors()  # errors of rules no longer in use
        return any(repr(before[f]) != repr(after[f]) for f in before) or not before

    def reload(self, paths: list[str | None], config_changed: bool = True) -> None:
        """Rule, corpus or config files changed: rebuild the engines of the
        configs the open documents (``paths``) use, keeping the last good one
        when the new rules have errors (all on the calling thread)."""
        plan = self.plan_reload(paths, config_changed)
        self.apply_reload(plan, {key: self.construct(cfg) for key, cfg in plan.rebuild.items()})

    def plan_reload(self, paths: list[str | None], config_changed: bool = True) -> "ReloadPlan":
        """Read the config files again and work out which engines to rebuild;
        the pool keeps serving with its current configs and engines until
        ``apply_reload`` (the builds may run in a thread meanwhile)."""
        saved = self.base_configs, self.configs
        if config_changed:
            self.base_configs = {}
        self.configs = {}
        try:
            live: dict[str, Config] = {}
            for path in paths:
                cfg = self.config_for_path(path)
                live[repr(cfg)] = cfg
            plan = ReloadPlan(self.base_configs, self.configs, live,
                              {key: cfg for key, cfg in live.items() if key in self.engines})
        finally:
            self.base_configs, self.configs = saved
        return plan

    def apply_reload(self, plan: "ReloadPlan", built: dict[str, Engine | Exception]) -> None:
        """Switch to the re-read configs and the new engines (or the last
        good ones where the new rules have errors)."""
        self.base_configs, self.configs = plan.base_configs, plan.configs
        old = self.engines
        self.engines = {}
        for key, cfg in plan.rebuild.items():
            # Configs whose engine existed are rebuilt (keeping the old one
            # if the new rules are broken); new ones are built on use.
            if key in built and key in old:
                self.engines[key] = self.adopt(cfg, built[key], old[key])
        for key in list(self.rule_errors):
            if key not in self.engines and key not in plan.live:
                del self.rule_errors[key]


@dataclass
class ReloadPlan:
    base_configs: dict[str, Config]
    configs: dict[str, Config]
    live: dict[str, Config]  # repr(config) -> config of every open document
    rebuild: dict[str, Config]  # the ones whose engine existed: built again
