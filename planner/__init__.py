"""planner: weekly rosters for Dutch wijkagenten that keep the 80 % own-wijk norm."""

__version__ = "0.1.0"
