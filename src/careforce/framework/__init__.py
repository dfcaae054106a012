"""The competency framework: roles, tasks, delegation rules (bundled default and user files)."""
