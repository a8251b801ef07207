"""The operators' live cockpit (DESIGN §1b, "Operators at the peak")."""
