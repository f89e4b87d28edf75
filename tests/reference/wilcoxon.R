# Reference p-values of the Wilcoxon signed-rank test (msc_dash.wilcoxon).
#
# Input: wilcoxon_inputs.csv (written by wilcoxon_inputs.py). For each case the
# changes value - baseline are rounded to 8 decimals (the data have at most 2,
# so this removes floating-point noise only) and zeros are dropped; then
#   p_exact  : coin::wilcoxsign_test(d ~ 0, distribution = "exact",
#              zero.method = "Wilcoxon") -- the exact conditional (permutation)
#              distribution of the signed-rank statistic over all sign flips,
#              midranks for ties (coin 1.4-2, Debian r-cran-coin); only for
#              m <= 50 non-zero changes;
#   p_normal : wilcox.test(d, exact = FALSE, correct = TRUE)$p.value (normal
#              approximation, tie-corrected variance, continuity correction);
#   p_r_default : wilcox.test(d)$p.value with R's defaults (exact only without ties
#              and n < 50, else as p_normal).
# Output: wilcoxon.csv (case, m, statistic = sum of positive ranks, p_exact,
# p_normal, p_r_default).
suppressPackageStartupMessages(library(coin))
here <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)))
inp <- read.csv(file.path(here, "wilcoxon_inputs.csv"), stringsAsFactors = FALSE)
rows <- lapply(split(inp, factor(inp$case, levels = unique(inp$case))), function(g) {
  d <- round(g$value - g$baseline, 8)
  d <- d[d != 0]
  m <- length(d)
  out <- data.frame(case = g$case[1], m = m, statistic = NA_real_, p_exact = NA_real_,
                    p_normal = NA_real_, p_r_default = NA_real_)
  if (m == 0) return(out)
  r <- rank(abs(d))
  out$statistic <- sum(r[d > 0])
  out$p_normal <- suppressWarnings(wilcox.test(d, exact = FALSE, correct = TRUE)$p.value)
  out$p_r_default <- suppressWarnings(wilcox.test(d)$p.value)
  if (m <= 50) {
    y <- data.frame(x = d, z = 0)
    out$p_exact <- as.numeric(pvalue(wilcoxsign_test(x ~ z, data = y, distribution = "exact",
                                                     zero.method = "Wilcoxon")))
  }
  out
})
res <- do.call(rbind, rows)
write.csv(res, file.path(here, "wilcoxon.csv"), row.names = FALSE)
cat("wrote", nrow(res), "cases\n")
