"""upsun-migrator: move a legacy Platform.sh project to Upsun's `.upsun/config.yaml`."""

__version__ = "0.1.0"
