"""Supply: the workforce projected by stocks and flows (METHODS sections 4, 5 and 7).

Pure array functions and the engine that composes them in one documented order of steps; no
file is read here and no random generator is made.
"""
