"""Peer solvers on the same instance as planner's CP-SAT model, scored by planner's own checker and objective."""
