"""What Upsun and Platform.sh publish that the migrator relies on, each fact with its source.

One data module: every number, status meaning and documented command a message states lives
here, beside the page or file it was read from (repository, path and the commit read). A message
states only what its source says; where Upsun's sources disagree or are silent, the fact says so
and the message repeats it instead of choosing. Each rule's page under `docs/rules/` (and
`docs/validation.md` for the registry checks) lists the sources of its claims; a test checks
that every source a code relies on is listed on its page.

Sections (`# --- name ---`) are independent, so that parts written apart merge by concatenation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

#: The commits read. upsun/meta: the embedded metadata's snapshot
#: (migrator/upsun/metadata/ORIGIN.md).
UPSUN_META = "9dd622d2a0aafeed3c7bad1b95aad8ec508f64f3"  # 2026-07-21
PLATFORMSH_DOCS = "856c48644ceecbdb27a42719cd2040be860cf991"  # 2026-08-17
UPSUN_CLI = "dd82c1edc06be5c68a17a391ee6dff94c9fb876c"  # 2026-08-18


@dataclass(frozen=True)
class Source:
    """Where a fact is published: a repository, a path in it, the commit read, and the part of
    the file (heading, field, line) that says it."""

    repository: str
    path: str
    commit: str
    part: str

    def cite(self) -> str:
        return f"{self.repository} `{self.path}` ({self.part}) at {self.commit[:7]}"

    @property
    def url(self) -> str | None:
        """The published address of an Upsun docs page (docs.upsun.com serves
        `sites/upsun/src/<page>.md` at `<page>.html`, a section's `_index.md` at
        `<section>.html`, as the links in upsun/meta's schema show); None for other sources."""
        prefix = "sites/upsun/src/"
        if self.repository != "platformsh/platformsh-docs" or not self.path.startswith(prefix):
            return None
        page = self.path.removeprefix(prefix).removesuffix(".md").removesuffix("/_index")
        return f"https://docs.upsun.com/{page}.html"


@dataclass(frozen=True)
class Fact(Generic[T]):
    """A value the tool states or acts on, where it comes from, and the codes that state it."""

    value: T
    sources: tuple[Source, ...]
    codes: tuple[str, ...]


def _docs(path: str, part: str) -> Source:
    return Source("platformsh/platformsh-docs", path, PLATFORMSH_DOCS, part)


def _upsun_docs(page: str, part: str) -> Source:
    """A page of Upsun's documentation (docs.upsun.com is built from this folder)."""
    return _docs(f"sites/upsun/src/{page}", part)


def _platformsh_docs(page: str, part: str) -> Source:
    """A page of Platform.sh's (Upsun Fixed's) documentation."""
    return _docs(f"sites/platform/src/{page}", part)


# --- configuration ---

SCHEMA = Source("upsun/meta", "resources/validation/upsun.json", UPSUN_META,
                "properties: applications, services, routes")

#: "You cannot mix or combine these formats. Only one should exist in your repository. If both
#: .platform/ and .upsun/ directories are present, deployment will fail" (UPS090).
ONE_FORMAT: Fact[str] = Fact(
    "Upsun refuses to deploy a repository that holds both .platform and .upsun configuration",
    (_upsun_docs("learn/tutorials/migrating/from-fixed.md",
                 "Only one format should exist in your repository"),), ("UPS090",))

#: "All the existing YAML files located at the first level of the .upsun folder are taken into
#: account"; "only the top-level keys (applications, services, and routes) are merged" (UPS008
#: copies included files to `.upsun/includes/`, `validate` merges the folder).
UPSUN_FOLDER: Fact[str] = Fact(
    "every first-level .upsun/*.yaml is configuration",
    (_upsun_docs("learn/overview/yaml/yaml-structure.md", "Rules on YAML files"),), ("UPS008",))


# --- image lifecycle ---

REGISTRY_STATUSES = Source("upsun/meta", "resources/image/registry.schema.json", UPSUN_META,
                           "$defs.VersionStatus.description")
DOCS_DEPRECATED = _upsun_docs("glossary/_index.md", "Deprecated versions")
DOCS_DEPRECATED_LIST = _docs("themes/psh-docs/layouts/shortcodes/deprecated-versions.md",
                             "the Deprecated versions section of each service page")
REGISTRY_VERSIONS = Source("upsun/meta", "resources/image/registry.json", UPSUN_META,
                           "<image>.versions, <image>.runtime, <image>.service")
SCHEMA_VERSIONS = Source("upsun/meta", "resources/validation/upsun.json", UPSUN_META,
                         "applications.*.type and services.*.type refer to the runtime and "
                         "service version lists built from the registry")


@dataclass(frozen=True)
class Lifecycle:
    """What a version's status on Upsun means for a migration: the finding's severity (None:
    nothing to report) and what the message says of it."""

    severity: str | None
    meaning: str


#: Upsun's statuses (the registry schema: "Supported: officially maintained with regular
#: updates. Deprecated: no longer recommended, may receive critical security updates. Retired:
#: available but not maintained. Decommissioned: not available anymore."). Only a version that
#: is not available stops a deployment. On security updates for deprecated versions the two
#: sources differ: the registry says it "may receive critical security updates", the docs that
#: deprecated versions "stop getting security and other updates" (glossary) and "don't receive
#: security updates from upstream" (each service page); the message gives both.
LIFECYCLE: Fact[dict[str, Lifecycle]] = Fact({
    "supported": Lifecycle(None, "officially maintained with regular updates"),
    "deprecated": Lifecycle("warning", "no longer recommended; Upsun's sources differ on "
                            "security updates (its image registry: it may receive critical "
                            "security updates; its documentation: it no longer receives "
                            "security updates from upstream)"),
    "retired": Lifecycle("warning", "available but no longer maintained: no security updates, "
                         "and it may be decommissioned"),
    "decommissioned": Lifecycle("error", "no longer available: will not deploy"),
}, (REGISTRY_STATUSES, DOCS_DEPRECATED, DOCS_DEPRECATED_LIST), ("UPS201",))

#: A type Upsun's registry does not list: the schema Upsun validates with accepts only the
#: versions the registry lists (applications: runtimes; services: service images).
UNLISTED: Fact[str] = Fact("will not deploy", (REGISTRY_VERSIONS, SCHEMA_VERSIONS), ("UPS201",))

#: A version entry whose `manifest.endpoints` is null (old Kafka, InfluxDB, ... versions):
#: the registry is silent on what they offer.
NO_ENDPOINT_DATA: Fact[str] = Fact(
    "Upsun's image registry has no endpoint data for {type} (its `manifest.endpoints` is null)",
    (Source("upsun/meta", "resources/image/registry.json", UPSUN_META,
            "<image>.versions.<version>.manifest.endpoints"),), ("UPS202",))


# --- mounts ---

DOCS_MOUNTS = _upsun_docs("create-apps/image-properties/mounts.md", "Define a mount: `source`")
DOCS_FROM_FIXED = _upsun_docs("learn/tutorials/migrating/from-fixed.md", "7. Import files")
CLI_CONVERT = Source("upsun/cli", "internal/convert/platformsh.go", UPSUN_CLI,
                     "Replacing mount types (`local` becomes `instance`, ...)")
DOCS_NETWORK_STORAGE = _upsun_docs("add-services/network-storage.md",
                                   "How do I give my workers access to my main application's "
                                   "files?")

#: A `storage` mount, per Upsun's docs: "storage mounts can be shared between instances of the
#: same app".
STORAGE_MOUNT: Fact[str] = Fact(
    "a storage mount is one volume for all instances of this container when it scales",
    (DOCS_MOUNTS,), ("UPS003",))

#: Upsun's own path for a `local` mount: its migration guide ("`instance` mounts on Upsun are
#: the equivalent of `local` mounts on Platform.sh") and `upsun convert` ("`local` becomes
#: `instance`"); its docs on what an instance mount is: "local mounts; set to 8 GB. Unique to
#: your app, ... files that remain local to the app instance". (The docs' converter summary
#: says it converts `local` mounts "into Upsun's storage format"; the converter's code writes
#: `instance`.) Nothing in the docs says an instance mount may be removed during maintenance:
#: they say that of `tmp` mounts.
INSTANCE_EQUIVALENT: Fact[str] = Fact(
    "Upsun's converter (`upsun convert`) and its migration guide treat `instance` as the "
    "equivalent of Platform.sh's `local` (an instance mount is local to each instance of the "
    "app, and set to 8 GB, as Upsun's docs say)",
    (DOCS_FROM_FIXED, CLI_CONVERT, DOCS_MOUNTS), ("UPS003",))

#: Whether an app and its workers share a `storage` mount: Upsun's docs disagree. Work with
#: workers: "Both the web instance and queue worker also have a shared_dir mount pointing to
#: the same network storage space" (a `storage` mount); the Laravel guide: "Web and worker
#: containers don't share mount targets". The network-storage page documents `service` mounts
#: as the way to give workers the app's files.
APP_WORKER_SHARING: Fact[str] = Fact(
    "Upsun's documentation is not consistent on whether an app and its workers share a storage "
    "mount; to share files between them, use a network-storage service (`source: service`, see "
    "{url})",
    (_upsun_docs("create-apps/workers.md", "Mounts"),
     _upsun_docs("get-started/stacks/laravel/crons.md", "Warning: Web and worker containers "
                 "don't share mount targets"),
     DOCS_NETWORK_STORAGE), ("UPS003",))


# --- crons ---

#: "The minimum time between cron jobs being triggered is 5 minutes." (Upsun docs, "Cron job
#: timing"). Platform.sh's own minimum depended on the plan: "Professional: 5 minutes; Elite or
#: Enterprise: 1 minute".
CRON_MINIMUM_MINUTES: Fact[int] = Fact(5, (
    _upsun_docs("create-apps/image-properties/crons.md", "Cron job timing"),
    _platformsh_docs("create-apps/image-properties/crons.md", "Cron job timing")), ("UPS009",))
PLATFORMSH_CRON_MINIMUM = "5 minutes on Professional plans, 1 minute on Elite and Enterprise"


# --- moving data ---

DOCS_MIGRATION_STEPS = _upsun_docs("learn/tutorials/migrating/from-fixed.md",
                                   "1. Export your source Upsun Fixed project; 6. Import data; "
                                   "7. Import files")
DOCS_EXPORTING = _upsun_docs("learn/tutorials/exporting.md", "3. Download data from services")
CLI_SQL_SCHEMES = Source("upsun/cli", "legacy/src/Service/Relationships.php", UPSUN_CLI,
                         "chooseDatabase(..., array $types = ['mysql', 'pgsql'])")

#: The images `db:dump` and `sql` move: the CLI chooses a database among the relationships whose
#: scheme is `mysql` or `pgsql`, and Upsun's service pages give the scheme of each ("Relationship
#: reference": `MARIADB_SCHEME=mysql`, `ORACLE_MYSQL_SCHEME=mysql`, `POSTGRESQL_SCHEME=pgsql`;
#: the registry's endpoints say `mysql` too, and nothing for postgresql). `mysql` is the
#: MariaDB image under its other name (same page).
SQL_IMAGES: Fact[dict[str, str]] = Fact(
    {"mariadb": "mysql", "mysql": "mysql", "oracle-mysql": "mysql", "postgresql": "pgsql"},
    (CLI_SQL_SCHEMES, _upsun_docs("add-services/mysql/_index.md", "Relationship reference"),
     _upsun_docs("add-services/postgresql/_index.md", "Relationship reference")), ("steps",))

#: The placeholders a command leaves for the user: which projects, which environment.
PLATFORMSH_PROJECT = "<Platform.sh project ID>"
UPSUN_PROJECT = "<Upsun project ID>"
ENVIRONMENT = "<production environment>"

#: Export a database from the Platform.sh project (Platform.sh docs, MySQL and PostgreSQL pages,
#: "Exporting data": `platform db:dump --relationship RELATIONSHIP_NAME`; the CLI reference for
#: `--file`, `--app`, `--schema`, `-p`, `-e`), then import it into the Upsun project (Upsun's
#: migration guide, "6. Import data": `upsun sql < BACKUP_FILE_NAME`; the MySQL page, "Importing
#: data": `upsun sql --relationship RELATIONSHIP_NAME -e BRANCH_NAME < ...`).
DUMP: Fact[str] = Fact("platform db:dump -p {project} -e {environment} --app {app} "
                       "--relationship {relationship}{schema} --file {file}", (
    _platformsh_docs("add-services/mysql/_index.md", "Exporting data"),
    _platformsh_docs("add-services/postgresql/_index.md", "Exporting data"),
    _platformsh_docs("administration/cli/reference.md", "db:dump: Usage")), ("steps",))
IMPORT: Fact[str] = Fact("upsun sql -p {project} -e {environment} --app {app} "
                         "--relationship {relationship}{schema} < {file}", (
    DOCS_MIGRATION_STEPS, _upsun_docs("add-services/mysql/_index.md", "Importing data"),
    _upsun_docs("add-services/postgresql/_index.md", "Importing data"),
    _upsun_docs("administration/cli/reference.md", "db:sql: Usage")), ("steps",))

#: Download a mount's files from the Platform.sh project (Platform.sh docs, "Transfer a file
#: from a mount": `platform mount:download --mount private --target ./private`), then upload
#: them to the Upsun project (Upsun's migration guide, "7. Import files": `upsun mount:upload
#: --mount web/uploads --source ./uploads`); `--app`, `--worker`, `-p`, `-e` from the CLI
#: references.
DOWNLOAD: Fact[str] = Fact("platform mount:download -p {project} -e {environment} --app {app}"
                           "{worker} --mount {mount} --target {folder}", (
    _platformsh_docs("development/file-transfer.md", "Transfer a file from a mount"),
    _platformsh_docs("administration/cli/reference.md", "mount:download: Usage")), ("steps",))
UPLOAD: Fact[str] = Fact("upsun mount:upload -p {project} -e {environment} --app {app}{worker} "
                         "--mount {mount} --source {folder}", (
    DOCS_MIGRATION_STEPS,
    _upsun_docs("administration/cli/reference.md", "mount:upload: Usage")), ("steps",))

#: The Usage lines of the CLI references for the commands above (what a test checks every
#: generated command against).
USAGE: Fact[dict[str, str]] = Fact({
    "platform db:dump": "[--schema SCHEMA] [-f|--file FILE] [-d|--directory DIRECTORY] "
    "[-z|--gzip] [-t|--timestamp] [-o|--stdout] [--table TABLE] [--exclude-table EXCLUDE-TABLE] "
    "[--schema-only] [--charset CHARSET] [-p|--project PROJECT] [-e|--environment ENVIRONMENT] "
    "[-A|--app APP] [-r|--relationship RELATIONSHIP]",
    "upsun sql": "[--raw] [--schema SCHEMA] [-p|--project PROJECT] [-e|--environment ENVIRONMENT] "
    "[-A|--app APP] [-r|--relationship RELATIONSHIP] [--] [<query>]",
    "platform mount:download": "[-a|--all] [-m|--mount MOUNT] [--target TARGET] [--source-path] "
    "[--delete] [--exclude EXCLUDE] [--include INCLUDE] [--refresh] [-p|--project PROJECT] "
    "[-e|--environment ENVIRONMENT] [-A|--app APP] [--worker WORKER] [-I|--instance INSTANCE]",
    "upsun mount:upload": "[--source SOURCE] [-m|--mount MOUNT] [--delete] [--exclude EXCLUDE] "
    "[--include INCLUDE] [--refresh] [-p|--project PROJECT] [-e|--environment ENVIRONMENT] "
    "[-A|--app APP] [--worker WORKER] [-I|--instance INSTANCE]",
}, (_platformsh_docs("administration/cli/reference.md", "db:dump, mount:download: Usage"),
    _upsun_docs("administration/cli/reference.md", "db:sql, mount:upload: Usage")), ("steps",))

#: Services whose data Upsun's docs say how to export without a ready command: an SSH tunnel
#: and the database's own tools ("Exporting data" / "Export data" of each page).
EXPORT_PAGES: Fact[dict[str, str]] = Fact({
    "mongodb": "add-services/mongodb.md", "influxdb": "add-services/influxdb.md"},
    (_upsun_docs("add-services/mongodb.md", "Exporting data"),
     _upsun_docs("add-services/influxdb.md", "Export data"), DOCS_EXPORTING), ("steps",))

#: "For services designed to hold non-persistent data, such as Redis or Solr, it's generally
#: not necessary to download data as it can be rebuilt from the primary data store." The guide
#: names these two; of the other services it says nothing.
REBUILT_FROM_PRIMARY: Fact[frozenset[str]] = Fact(frozenset({"redis", "solr"}),
                                                  (DOCS_EXPORTING,), ("steps",))

#: A legacy service's `disk` is "the size in MB of the persistent disk allocated to the
#: service. Can't be set for memory-resident-only services such as memcache and redis": one
#: without it held nothing on a disk to move.
PERSISTENT_DISK: Fact[str] = Fact("disk", (
    _platformsh_docs("add-services/_index.md", "Available keys: disk"),), ("steps",))


# --- the Platform.sh CLI ---

#: How Upsun's docs install the Upsun CLI in a build hook ("Then add a build hook to your app
#: configuration to install the CLI as part of the build process"). upsun/cli's own README gives
#: another line for the same (`curl -fsSL https://raw.githubusercontent.com/upsun/cli/main/
#: installer.sh | bash`); the docs' line is the one for a build hook, so it is the one written.
UPSUN_CLI_INSTALL: Fact[str] = Fact(
    "curl -fsSL https://raw.githubusercontent.com/platformsh/cli/main/installer.sh "
    "| VENDOR=upsun bash",
    (_upsun_docs("administration/cli/api-tokens.md", "Authenticate in an environment: the build "
                 "hook that installs the CLI"),
     Source("upsun/cli", "README.md", UPSUN_CLI, "Install: Bash installer")), ("UPS012",))

#: The two ways Platform.sh published to install its CLI (`platform`): the legacy PHP
#: installer (upsun/cli `legacy/README.md`: `curl -sS https://platform.sh/cli/installer | php`)
#: and the same script as Upsun's without `VENDOR=upsun` (Platform.sh docs: `curl -fsSL
#: https://raw.githubusercontent.com/platformsh/cli/main/installer.sh | bash`).
PLATFORMSH_CLI_INSTALLERS: Fact[tuple[str, ...]] = Fact((
    "https://platform.sh/cli/installer",
    "https://raw.githubusercontent.com/platformsh/cli/main/installer.sh"), (
    Source("upsun/cli", "legacy/README.md", UPSUN_CLI, "Install: Legacy installer"),
    _platformsh_docs("administration/cli/api-tokens.md", "Authenticate in an environment: the "
                     "build hook that installs the CLI")),
    ("UPS012",))


# --- container profiles ---

#: A worker may set its own `container_profile`. Upsun's docs list `container_profile` among the
#: application properties that can be "set in instance" (overridden in `web` or a worker), and
#: the official CLI's `app:config-validate` accepts it on a worker (its schema,
#: platformsh/platformify `validator/schema/upsun.json`, lists it there; CLI 5.11.1 run on a
#: worker with `container_profile: HIGH_MEMORY` says "valid" and refuses `BOGUS`). upsun/meta's
#: schema, which `migrate` and `validate` check the structure with, does not list it on workers.
#: The migrator follows the docs and the CLI: it keeps the key (UPS011) and its schema check
#: accepts it there (`migrator.upsun.deviations`).
WORKER_CONTAINER_PROFILE: Fact[bool] = Fact(True, (
    _upsun_docs("create-apps/app-reference/single-runtime-image.md",
                "Primary application properties: container_profile, Set in instance? Yes"),
    Source("platformsh/platformify", "validator/schema/upsun.json",
           "611f47dfd3d0725389e0ed959d9d3455485c29ae",
           "applications.*.workers.*.properties.container_profile"),
    Source("upsun/cli", "go.mod", UPSUN_CLI,
           "github.com/platformsh/platformify v0.5.0, whose schema app:config-validate uses"),
    Source("upsun/meta", "resources/validation/upsun.json", UPSUN_META,
           "applications.*.workers.*: no container_profile, additionalProperties false"),
), ("UPS011",))


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

#: A container name Upsun's documentation allows: the service rule, applied to all.
CONTAINER_NAME = Fact(r"[a-z0-9_-]+", (
    _upsun_docs("add-services/_index.md", "any name you want with lowercase alphanumeric "
                "characters, hyphens, and underscores"),
    _platformsh_docs("create-apps/app-reference/single-runtime-image.md",
                     "name: Must be lowercase alphanumeric characters"),
    _platformsh_docs("languages/nodejs/_index.md", "an app named node-app"),
    _upsun_docs("create-apps/workers.md", "no rule for worker names"),
    SCHEMA,
    Source("upsun/cli", "legacy/src/Command/Resources/ResourcesSetCommand.php", UPSUN_CLI,
           "name:value items split on commas and white space; % and * are wildcards"),
), ("UPS013",))
CONTAINER_NAME_RULE = "lowercase letters a-z, digits, hyphens and underscores"
SERVICE_NAME_SOURCE = "Upsun's docs, add-services"
APP_NAME_SOURCES = ("Upsun's docs give no rule for application names; Platform.sh's say "
                    "lowercase alphanumeric characters, and name an app node-app in an example")
WORKER_NAME_SOURCES = "neither Upsun's nor Platform.sh's docs give a rule for worker names"


# --- resources ---

#: Platform.sh: `size` values, and the CPU and memory each gave per container profile, in
#: production ("Containers in preview environments don't follow the `size` specification").
#: The same tables are on the page `sites/platform/src/create-apps/image-properties/size.md`
#: (commit 12436ecbd553455a6f985356aface793e90577e5), which lacks the Lisp row.
PLATFORMSH_SIZES = ("platformsh/platformsh-docs "
                    "sites/platform/src/create-apps/app-reference/single-runtime-image.md"
                    " @ 028a86165763bac42c74bc653efe1f12a1fa4145")
LEGACY_SIZES: dict[str, dict[str, tuple[float, int]]] = {  # profile -> size -> (CPU, MB)
    "HIGH_CPU": {"S": (0.40, 128), "M": (0.40, 128), "L": (1.20, 256), "XL": (2.50, 384),
                 "2XL": (5.00, 768), "4XL": (10.00, 1536)},
    "BALANCED": {"S": (0.05, 32), "M": (0.05, 64), "L": (0.08, 256), "XL": (0.10, 512),
                 "2XL": (0.20, 1024), "4XL": (0.40, 2048)},
    "HIGH_MEMORY": {"S": (0.25, 128), "M": (0.25, 288), "L": (0.40, 1280), "XL": (0.75, 2624),
                    "2XL": (1.50, 5248), "4XL": (3.00, 10496)},
}
#: Platform.sh's "Container profile reference" (same page), by image name as types spell it
#: (`mysql` is MariaDB on Platform.sh; `redis-persistent` is "Redis persistent").
LEGACY_PROFILES: dict[str, str] = {
    "chrome-headless": "HIGH_CPU", "dotnet": "HIGH_CPU", "elasticsearch": "HIGH_MEMORY",
    "elasticsearch-enterprise": "HIGH_MEMORY", "elixir": "HIGH_CPU", "golang": "HIGH_CPU",
    "gotenberg": "HIGH_MEMORY", "influxdb": "HIGH_MEMORY", "java": "HIGH_MEMORY",
    "kafka": "HIGH_MEMORY", "lisp": "HIGH_CPU", "mariadb": "HIGH_MEMORY", "mysql": "HIGH_MEMORY",
    "memcached": "BALANCED", "mongodb": "HIGH_MEMORY", "mongodb-enterprise": "HIGH_MEMORY",
    "network-storage": "HIGH_MEMORY", "nodejs": "HIGH_CPU", "opensearch": "HIGH_MEMORY",
    "oracle-mysql": "HIGH_MEMORY", "php": "HIGH_CPU", "postgresql": "HIGH_MEMORY",
    "python": "HIGH_CPU", "rabbitmq": "HIGH_MEMORY", "redis": "BALANCED",
    "redis-persistent": "BALANCED", "ruby": "HIGH_CPU", "rust": "HIGH_CPU",
    "solr": "HIGH_MEMORY", "varnish": "HIGH_MEMORY", "vault-kms": "HIGH_MEMORY",
}
#: Platform.sh: `size`, `disk` (and the other "Set in instance? Yes" keys) set at the top of an
#: app can be overridden in its `web` or `workers` instance (same page, "Top-level properties").
#: Workers inherit the top-level `size` and `disk` unless they set their own:
PLATFORMSH_WORKERS = ("platformsh/platformsh-docs "
                      "sites/platform/src/create-apps/workers.md"
                      " @ 08cfb6206e1bceb9a2109c449f323358cddb390b")

#: Platform.sh flexible resources: with `resources`, the CPU comes from this table (it has no
#: 4XL) and the memory is base_memory + memory_ratio x CPU; workers inherit the app's
#: `resources` unless they set their own.
PLATFORMSH_FLEXIBLE = ("platformsh/platformsh-docs "
                       "sites/platform/src/create-apps/flexible-resources.md"
                       " @ 278e005e0ce449339aef74bf28176f98bea74183")
FLEXIBLE_CPU: dict[str, float] = {"XS": 0.25, "S": 0.5, "M": 1, "L": 2, "XL": 4, "2XL": 8}
#: What a `resources` key without one of its two values gave is not on that page (it gives
#: these as the minimums); Platform.sh's schema gives them as the defaults.
PLATFORMSH_SCHEMA = ("platformsh/platformify "
                     "validator/schema/platformsh.application.json"
                     " @ 666a4bf7b40bbce6325dd1e972b267502b011afb")
BASE_MEMORY_DEFAULT = 64
MEMORY_RATIO_DEFAULT = 128

#: Upsun: the shared-CPU sizes and the RAM (MB) each container profile gives at each of them.
UPSUN_SIZES = ("platformsh/platformsh-docs "
               "sites/upsun/src/manage-resources/adjust-resources.md"
               " @ 00c9ee056d528ca879f1e40f7349a0ac2efcb2f0")
CPU_SIZES: tuple[float, ...] = (0.1, 0.25, 0.5, 1, 2, 4, 6, 8)
RAM_BY_PROFILE: dict[str, tuple[int, ...]] = {  # RAM at each of CPU_SIZES, in order
    "HIGH_CPU": (64, 128, 224, 384, 704, 1216, 1728, 2240),
    "BALANCED": (352, 640, 1088, 1920, 2800, 4800, 6080, 7296),
    "HIGH_MEMORY": (448, 832, 1408, 2432, 4032, 6720, 9024, 11200),
    "HIGHER_MEMORY": (864, 1472, 2368, 3840, 6336, 10496, 14080, 17408),
}
#: Upsun's "Default container profiles" (same page), by image name; the registry's
#: `default_container_profile` of the version comes first.
UPSUN_PROFILES: dict[str, str] = {
    "chrome-headless": "HIGH_CPU", "clickhouse": "HIGH_MEMORY", "dotnet": "HIGH_CPU",
    "elasticsearch": "HIGH_MEMORY", "elasticsearch-enterprise": "HIGH_MEMORY",
    "elixir": "HIGH_CPU", "golang": "HIGH_CPU", "gotenberg": "HIGH_MEMORY",
    "influxdb": "HIGH_MEMORY", "java": "HIGH_MEMORY", "kafka": "HIGH_MEMORY", "lisp": "HIGH_CPU",
    "mariadb": "HIGH_MEMORY", "mysql": "HIGH_MEMORY", "memcached": "BALANCED",
    "mongodb": "HIGH_MEMORY", "mongodb-enterprise": "HIGH_MEMORY",
    "network-storage": "HIGH_MEMORY", "nodejs": "HIGH_CPU", "opensearch": "HIGH_MEMORY",
    "oracle-mysql": "HIGH_MEMORY", "php": "HIGH_CPU", "postgresql": "HIGH_MEMORY",
    "python": "HIGH_CPU", "rabbitmq": "HIGH_MEMORY", "redis": "BALANCED",
    "redis-persistent": "BALANCED", "ruby": "HIGH_CPU", "rust": "HIGH_CPU",
    "solr": "HIGH_MEMORY", "varnish": "HIGH_MEMORY", "vault-kms": "HIGH_MEMORY",
}

#: Upsun: the resources a new container gets (CPU 0.5; a 512 MB disk where it needs one), the
#: `--resources-init` strategies ("manual: the first deployment fails and you need to configure
#: resources manually"), and the minimum resources per container.
UPSUN_RESOURCE_INIT = ("platformsh/platformsh-docs "
                       "sites/upsun/src/manage-resources/resource-init.md"
                       " @ 0a8f89013324acc95db8ac268b99cfd29a43ed4e")
DEFAULT_CPU = 0.5
DEFAULT_DISK = 512
#: image -> (CPU, RAM MB, disk MB): disk None when the container never uses a disk, 0 when it
#: needs none but can use one. The registry's `min_*` of the version come first.
UPSUN_MINIMUMS: dict[str, tuple[float, int, int | None]] = {
    "dotnet": (0.1, 64, 0), "chrome-headless": (0.1, 64, None),
    "elasticsearch": (0.1, 448, 256), "elasticsearch-enterprise": (0.1, 448, 256),
    "elixir": (0.1, 64, 0), "golang": (0.1, 64, 0), "influxdb": (0.1, 448, 256),
    "java": (0.1, 448, 0), "kafka": (0.1, 448, 512), "lisp": (0.1, 64, 0),
    "mariadb": (0.1, 448, 256), "mysql": (0.1, 448, 256), "memcached": (0.1, 352, None),
    "mongodb": (0.1, 448, 256), "mongodb-enterprise": (0.1, 448, 256),
    "network-storage": (0.1, 448, 256), "nodejs": (0.1, 64, 0), "opensearch": (0.1, 448, 256),
    "oracle-mysql": (0.1, 448, 256), "php": (0.1, 64, 0), "postgresql": (0.1, 448, 256),
    "python": (0.1, 64, 0), "rabbitmq": (0.1, 448, 256), "redis": (0.1, 352, None),
    "redis-persistent": (0.1, 352, 256), "ruby": (0.1, 64, 0), "rust": (0.1, 64, 0),
    "solr": (0.1, 448, 256), "varnish": (0.1, 448, None), "vault-kms": (0.1, 448, 256),
}

#: The Upsun CLI's `resources:set`: it checks every value before it applies any (one invalid
#: value and nothing is set): names must exist (`%` and `*` are wildcards, items are
#: `name:value` and comma-separated); `--size` must be a size of the container's profile, at or
#: above its minimum CPU and memory; `--disk` a whole number of MB at or above the minimum, and
#: only for apps and services that support a disk ("Workers use their parent app's disk",
#: `legacy/src/Service/ResourcesUtil.php` at the same commit); `--count` only for apps and
#: workers; `-e` names the environment. It works on an environment's next deployment ("The
#: environment ... is not active so resources cannot be configured"), and without a terminal it
#: refuses a container that has no size yet ("A profile size is required for the ...").
UPSUN_CLI_RESOURCES = ("upsun/cli "
                       "legacy/src/Command/Resources/ResourcesSetCommand.php"
                       " @ 029246efff5d65dc3088787f981b3006fa2db6b7")

#: Where Upsun's sources disagree on whether a worker may set `container_profile`: the schema
#: of upsun/meta (`resources/validation/upsun.json`, embedded in `migrator/upsun/metadata/`)
#: lists it for applications and services only; the schema in the Upsun CLI
#: (`upsun app:config-validate`) lists it on workers too. The migrator writes it where a worker
#: needs another profile and accepts it when it validates (`migrator.upsun.deviations`).
UPSUN_CLI_SCHEMA = ("platformsh/platformify "
                    "validator/schema/upsun.json"
                    " @ 611f47dfd3d0725389e0ed959d9d3455485c29ae")
