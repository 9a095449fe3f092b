# Django's Arabic DATETIME_FORMAT is the American "F j, Y, P" ("ديسمبر 4, 2026, 2:05 م"); the date as its own
# DATE_FORMAT writes it, then the 24-hour time, with the Arabic comma.
DATETIME_FORMAT = "j F، Y، H:i"
# Django's Arabic formats name separators but group nothing: counts are grouped by three, as in the other languages.
NUMBER_GROUPING = 3
