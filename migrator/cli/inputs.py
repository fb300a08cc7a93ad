"""What a run is given: the core's options from the parsed flags, and Upsun's metadata with the
source of each part."""

from __future__ import annotations

from pathlib import Path

from migrator.migration.pipeline import Metadata
from migrator.migration.runner import Options
from migrator.model import LocalMounts, Settings
from migrator.upsun import published
from migrator.upsun.registry import Registry


def make_options(dry_run: bool, force: bool, local_mounts: str, remove_legacy: bool,
                 upgrade_retired: bool, strict: bool, commit: str | None = None,
                 rename_platform_cli: bool = False, select: tuple[str, ...] = (),
                 ignore: tuple[str, ...] = (), no_verify: bool = False,
                 git_filters: bool = False, environment: str | None = None,
                 resources_script: str | None = None, message: str | None = None) -> Options:
    settings = Settings(local_mounts=LocalMounts(local_mounts), remove_legacy=remove_legacy,
                        upgrade_retired=upgrade_retired,
                        rename_platform_cli=rename_platform_cli, select=select, ignore=ignore,
                        environment=environment)
    return Options(dry_run=dry_run, force=force, strict=strict, settings=settings,
                   commit=commit, verify=not no_verify, git_filters=git_filters,
                   resources_script=resources_script, message=message)


def load_metadata(schema_file: Path | None, registry_file: Path | None,
                  refresh: bool = False) -> Metadata:
    """The schema, the image registry and the composable image data, each with its source."""
    schema = published.get(published.SCHEMA, schema_file, refresh)
    images = published.get(published.IMAGES, registry_file, refresh)
    composable = published.get(published.COMPOSABLE, None, refresh)
    return Metadata(schema.data, schema.describe(published.SCHEMA),
                    Registry(images.data, composable.data), images.describe(published.IMAGES),
                    composable.describe(published.COMPOSABLE), schema_audited=True)
