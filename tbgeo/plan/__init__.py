"""The plan's own content: its numeric targets and its sector list (Điều 1 of the plan)."""
