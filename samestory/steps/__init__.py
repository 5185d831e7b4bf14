"""The plan's steps: pure functions from input partitions to output partitions (plan/), each
a thin adapter between the part files and a tier's front function."""
