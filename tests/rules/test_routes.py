from __future__ import annotations

from pathlib import Path

from tests.rules.helpers import check_transformed, codes


def test_routes(tmp_path: Path) -> None:
    result = check_transformed(
        tmp_path,
        {
            ".platform.app.yaml": """
            name: app
            type: 'php:8.3'
            """,
            ".platform/routes.yaml": """
            # main route
            "https://{default}/":
                type: upstream
                upstream: "app:http"
                cache:
                    enabled: false
            "https://www.{default}/":
                type: redirect
                to: "https://{default}/"
            "https://api.{default}/":
                type: upstream
                upstream: "api:http"
                primary: null
                .local_url: 'https://x.test/'
            """,
        },
        """
        applications:
          app:
            type: 'php:8.3'
        routes:
            # main route
            "https://{default}/":
                type: upstream
                upstream: "app:http"
                cache:
                    enabled: false
            "https://www.{default}/":
                type: redirect
                to: "https://{default}/"
            "https://api.{default}/":
                type: upstream
                upstream: "api:http"
                # primary: null removed (null meant the default)
                # .local_url: removed, Upsun does not accept this key (see the migration report)
    """,
    )
    assert codes(result.changes, "UPS007") == [
        ".platform/routes.yaml:2 routes: .platform/routes.yaml (3 routes) -> routes"
    ]
    assert codes(result.findings, "UPS007") == [
        "warning .platform/routes.yaml:12 route 'https://api.{default}/' sends traffic to 'api:http', which names no application or service"
    ]
