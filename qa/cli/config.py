"""The configuration file (`qa paths` shows where; QA_CONFIG names another) as the defaults of
the commands' options. An option given on the command line wins, then its environment
variable, then the file, then qa's own default: click's order for a context's `default_map`.

    # ~/.config/qa/config.toml
    corpus = ["~/news/feed.jsonl"]   # the options every command shares, at the top
    top-k = 8
    [ask]                            # one command's options, in its own table
    format = "markdown"

Keys are the long option names (`top-k` or `top_k`); paths start from the file's folder
(`~` is the home folder). An unknown key or a value the option refuses is named in one
sentence, as a bad option is."""

from __future__ import annotations

from pathlib import Path

import click

from qa.settings import SettingsError, config_file, read_config

# What may stand at the top of the file: the options several commands share.
SHARED = (
    "corpus", "collection", "index-dir", "model", "top-k", "skip-bad", "store", "uri", "color",
    "format", "pager",
)  # fmt: skip
PATHS = ("corpus", "index-dir", "model")


def _options(command: click.Command) -> dict[str, click.Option]:
    """The command's options by long name, without dashes in front (`top-k`)."""
    found = {}
    for param in command.params:
        if isinstance(param, click.Option) and not param.is_eager:
            for name in param.opts + param.secondary_opts:
                if name.startswith("--") and not name.startswith("--no-"):
                    found[name[2:]] = param
    return found


def _key(key: str) -> str:
    return key.replace("_", "-")


def _path(value, folder: Path):
    if isinstance(value, list):
        return [_path(v, folder) for v in value]
    if not isinstance(value, str):
        return value
    return str(folder / Path(value).expanduser())  # an absolute path stays itself


def defaults(group: click.Group, path: Path | None = None) -> dict:
    """The `default_map` of the configuration file for the commands of `group` ({} without a
    file); a SettingsError for a key or value that cannot be used."""
    path = path or config_file()
    config = read_config(path)
    if not config:
        return {}
    shared = {_key(k): v for k, v in config.items() if not isinstance(v, dict)}
    for key in shared:
        if key not in SHARED:
            raise SettingsError(
                f"The configuration file {path} has an unknown key {key!r}; at the top it takes "
                f"{', '.join(SHARED)}, and a table such as [ask] takes that command's options."
            )
    for name, value in config.items():
        if isinstance(value, dict) and name not in group.commands:
            raise SettingsError(f"The configuration file {path} has a table [{name}], but qa has "
                                f"no command {name!r}.")  # fmt: skip
    result = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):  # `qa corpus check`: the shared options only
            result[name] = {
                sub: _command_defaults(subcommand, f"{name} {sub}", shared, {}, path)
                for sub, subcommand in command.commands.items()
            }
            continue
        value = config.get(name)
        table = {_key(k): v for k, v in value.items()} if isinstance(value, dict) else {}
        result[name] = _command_defaults(command, name, shared, table, path)
    return result


def _command_defaults(command: click.Command, name: str, shared: dict, table: dict, path: Path):
    options = _options(command)
    for key in table:
        if key not in options:
            raise SettingsError(f"The configuration file {path} has {key!r} in [{name}], "
                                f"but `qa {name}` has no option --{key}.")  # fmt: skip
    chosen = {k: v for k, v in {**shared, **table}.items() if k in options}
    return {options[k].name: _checked(command, options[k], k, v, path) for k, v in chosen.items()}


def _checked(command: click.Command, option: click.Option, key: str, value, path: Path):
    if key in PATHS:
        value = _path(value, path.parent)
    if option.multiple and not isinstance(value, list):
        value = [value]
    try:
        option.type_cast_value(click.Context(command), value)
    except click.BadParameter as error:
        raise SettingsError(
            f"The configuration file {path} has {key} = {value!r}: {error.message}"
        ) from None
    return value
