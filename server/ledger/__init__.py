"""Importing a street's ledgers (台账) from Excel and CSV into the register."""
