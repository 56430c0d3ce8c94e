"""Measures of the model's month: poverty, inequality, reach, value for money."""
