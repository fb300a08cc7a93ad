"""What Upsun publishes and reads: its schema, image registry, sizes and `.upsun/`."""
