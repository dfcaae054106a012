"""Required workforce: pure calculations over arrays (METHODS sections 1, 2, 3).

No file is read and no random generator is made here: callers pass loaded values and pre-drawn
parameters in.
"""
