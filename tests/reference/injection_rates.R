# Reference values for msc_dash.injection_windows.rate_ratio_exact
# (tests/test_injection_windows.py): for each row of injection_rates_inputs.csv,
# stats::poisson.test(c(x1, x2), c(t1, t2)) (two-sided, conf.level 0.95): the rate
# ratio's exact conditional CI and p. Writes injection_rates_expected.csv. R 4.x.
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
d <- read.csv(file.path(here, "injection_rates_inputs.csv"), stringsAsFactors = FALSE)
res <- do.call(rbind, lapply(seq_len(nrow(d)), function(i) {
  r <- d[i, ]
  t <- poisson.test(c(r$x1, r$x2), c(r$t1, r$t2))
  data.frame(case = r$case, rate_ratio = unname(t$estimate), ci_low = t$conf.int[1],
             ci_high = t$conf.int[2], p = t$p.value)
}))
write.csv(res, file.path(here, "injection_rates_expected.csv"), row.names = FALSE)
print(head(res))
