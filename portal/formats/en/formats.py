# English pages write the day first and the month in full: "4 December 2026", "4 December 2026, 14:05".
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
