"""Supply points (CUPS): validation, and the links of houses to their electricity and gas supply points."""
