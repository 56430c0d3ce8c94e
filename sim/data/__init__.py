"""Published figures the model is fitted to and checked against (BPS poverty statistics)."""
