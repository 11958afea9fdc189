# man — the manual pages: the overview, and a page per binary and per format.
dist_man_MANS += man/dl.7 man/dl-record.1 man/dl-record.5 man/dl-tokenize.1 man/dl-tokenize.5
dist_man_MANS += man/dl-train.1 man/dl-w2v.1

# dl_torch.py, the PyTorch side of dl-train's models and checkpoints, which dl-train(1)
# documents: installed as $(pkgdatadir)/dl_torch.py.
dist_pkgdata_DATA = contrib/dl_torch.py
