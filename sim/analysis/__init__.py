"""Analyses built on the model: in-silico trials, sensitivity, scenario discovery, calibration."""
