# ranger (Debian's r-cran-ranger) on the benchmark's data (make-data.py): a probability
# forest of TREES trees on THREADS threads, mtry floor(sqrt(50)) = 7, min.node.size 1.
#     Rscript bench/rf/ranger-train.R DIR TREES THREADS
# prints: fit_seconds accuracy auc model_bytes (saveRDS, uncompressed) predict_seconds (the
# best of 3 predict() calls on the test rows)
suppressMessages(library(ranger))
a <- commandArgs(trailingOnly = TRUE)
tr <- read.csv(file.path(a[1], "train.csv")); te <- read.csv(file.path(a[1], "test.csv"))
tr$label <- factor(tr$label)
t <- system.time(m <- ranger(label ~ ., data = tr, num.trees = as.integer(a[2]), mtry = 7,
                             min.node.size = 1, probability = TRUE, seed = 1, verbose = FALSE,
                             num.threads = as.integer(a[3])))[["elapsed"]]
pt <- Inf
for (i in 1:3) pt <- min(pt, system.time(pr <- predict(m, te, num.threads = as.integer(a[3])))[["elapsed"]])
p <- pr$predictions[, "1"]
y <- te$label
r <- rank(p); n1 <- as.numeric(sum(y == 1)); n0 <- as.numeric(sum(y == 0))  # no integer overflow
auc <- (sum(r[y == 1]) - n1 * (n1 + 1) / 2) / (n1 * n0)
f <- tempfile(); saveRDS(m, f, compress = FALSE); sz <- file.size(f); unlink(f)
cat(sprintf("%.2f %.5f %.5f %.0f %.4f\n", t, mean((p > 0.5) == (y == 1)), auc, sz, pt))
