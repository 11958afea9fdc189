# man — the manual pages: the overview, and a page per binary and per format.
dist_man_MANS += man/dl.7 man/dl-record.1 man/dl-record.5 man/dl-tokenize.1 man/dl-tokenize.5
