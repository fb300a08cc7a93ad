"""The one place that parses YAML: node trees with exact source spans (libyaml, or PyYAML's
pure-Python port of it), text edits and their application, and nesting a file by a prefix."""
