# man/ngram.mk — the manual page of dl-ngram.
dist_man_MANS += man/dl-ngram.1
