"""One repository, in one straight pass: plan (read, rules, assemble, prove, check), then write."""
