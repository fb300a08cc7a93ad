"""The one place that parses YAML: node trees with exact source spans (ruamel.yaml's C parser,
libyaml, or its pure-Python parser), text edits and their application, and nesting a file by a
prefix."""
