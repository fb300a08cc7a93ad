"""What Upsun and Platform.sh publish that the migrator relies on, each fact with its source
(repository, path in it, and the commit read). A message states only what a source here
supports; where sources are silent or disagree, it says so instead of choosing.

Sections (`# --- name ---`) are independent of each other. Image-level facts Upsun publishes as
data (versions, statuses, endpoints, default profiles, minimum CPU, RAM and disk) come from the
image registry embedded in `migrator/metadata/` (see its ORIGIN.md); the resources section's
tables are the documentation's, used where the registry is silent and to say where they differ.
"""

from __future__ import annotations

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
CLI_NAME_SPECIALS = frozenset(",:%*")

#: Where Upsun's sources disagree on whether a worker may set `container_profile`: the schema of
#: upsun/meta (`resources/validation/upsun.json`, embedded in `migrator/metadata/`) lists it for
#: applications and services only; the schema in the Upsun CLI (`upsun app:config-validate`)
#: lists it on workers too. The migrator writes it where a worker needs another profile and
#: accepts it when it validates (`migrator.upsunfiles.worker_container_profile`).
UPSUN_CLI_SCHEMA = ("platformsh/platformify "
                    "validator/schema/upsun.json"
                    " @ 611f47dfd3d0725389e0ed959d9d3455485c29ae")
