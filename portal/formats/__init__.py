"""The portal's own date formats where Django's differ from what its pages have always said (FORMAT_MODULE_PATH).

Every other format, and every other language, is Django's (django/conf/locale/<lang>/formats.py). Templates name
formats ("DATE_FORMAT", "DATETIME_FORMAT", "YEAR_MONTH_FORMAT"), never spell one out, so each language gets its own.
"""
