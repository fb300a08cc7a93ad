"""Reading a Platform.sh repository: its legacy files, found and loaded safely."""
