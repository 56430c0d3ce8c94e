"""Analyses built on runs of the model: trials, sensitivity and attribution, calibration."""
