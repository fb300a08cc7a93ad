"""Facts about Upsun and Platform.sh the tool relies on, each with its source.

Sources are pages of the documentation (repository platformsh/platformsh-docs: `sites/upsun/`
for Upsun, `sites/platform/` for Platform.sh), upsun/meta (the schema and registry) and
upsun/cli (the official CLI), with the commit read. Where sources disagree or are silent, the
comment says so, and so do the messages built on the fact.
"""

from __future__ import annotations

# --- container names ---------------------------------------------------------------------
#
# Services: "You can give it any name you want with lowercase alphanumeric characters,
# hyphens, and underscores." (Upsun docs sites/upsun/src/add-services/_index.md; the same
# sentence in Platform.sh's sites/platform/src/add-services/_index.md; platformsh-docs
# 856c48644ceecbdb27a42719cd2040be860cf991.) Relationship names: the same rule, same page.
#
# Applications: Upsun's docs give no rule (sites/upsun/src/create-apps/app-reference/
# single-runtime-image.md names the app by its key under `applications` and says nothing of
# its characters). Platform.sh's app reference says "A unique name for the app. Must be
# lowercase alphanumeric characters." (sites/platform/src/create-apps/app-reference/
# single-runtime-image.md) while its own Node.js example names an app `node-app`
# (sites/platform/src/languages/nodejs/_index.md).
#
# Workers: neither documentation gives a rule (sites/upsun/src/create-apps/workers.md).
#
# The Upsun schema (upsun/meta resources/validation/upsun.json, 9b9f6db4552e487546e6ecb52ab52d
# 200bd44391; tests/data/schemas/upsun.json) puts no pattern on application, worker or service
# names.
#
# The CLI (upsun/cli dd82c1edc06be5c68a17a391ee6dff94c9fb876c): `resources:set --size`/`--disk`
# take `name:value` items, split on commas and white space (legacy/src/Console/
# ArrayArgument.php), the name ends at the first `:`, and `%` and `*` in it are wildcards
# (legacy/src/Command/Resources/ResourcesSetCommand.php, legacy/src/Util/Wildcard.php).
#
# This tool applies the documented service rule to every container name (apps, workers,
# services): a name outside it is an error finding (UPS013), and never reaches a command.

#: A container name Upsun's documentation allows (the service rule, applied to all).
CONTAINER_NAME = r"[a-z0-9_-]+"
CONTAINER_NAME_RULE = "lowercase letters a-z, digits, hyphens and underscores"
SERVICE_NAME_SOURCE = "Upsun's docs, add-services"
APP_NAME_SOURCES = ("Upsun's docs give no rule for application names; Platform.sh's say "
                    "lowercase alphanumeric characters, and name an app node-app in an example")
WORKER_NAME_SOURCES = "neither Upsun's nor Platform.sh's docs give a rule for worker names"
