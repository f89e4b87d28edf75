# Reference arm x visit mixed ANOVA with the Greenhouse-Geisser correction
# (msc_dash.arms.mixed_anova_table), computed by hand in base R.
#
# Input: mixed_anova_inputs.csv (mixed_anova_inputs.py): complete cases of the
# two-arm sample. Per case:
#   F and df: summary(aov(value ~ arm * visit + Error(subject_id / visit)));
#   epsilon:  Greenhouse-Geisser from the pooled within-arm covariance matrix S of the
#             k visits (residuals from each arm's visit means, divided by N - 2),
#             projected on k - 1 orthonormal contrasts C = contr.poly(k):
#             eps = tr(C'SC)^2 / ((k - 1) tr((C'SC)^2));
#   p_gg:     pf(F, eps * df1, eps * df2, lower.tail = FALSE).
# Output: mixed_anova.csv (case, source, f, df1, df2, p_unc, eps, p_gg). R 4.x, stats only.
here <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)))
inp <- read.csv(file.path(here, "mixed_anova_inputs.csv"), stringsAsFactors = FALSE)
rows <- lapply(split(inp, factor(inp$case, levels = unique(inp$case))), function(g) {
  g$visit <- factor(g$visit_index)
  g$arm <- factor(g$arm)
  g$subject_id <- factor(g$subject_id)
  s <- summary(aov(value ~ arm * visit + Error(subject_id / visit), data = g))
  between <- s[["Error: subject_id"]][[1]]
  within <- s[["Error: subject_id:visit"]][[1]]
  rn <- trimws(rownames(within))
  wide <- reshape(g[, c("subject_id", "arm", "visit_index", "value")], idvar = c("subject_id", "arm"),
                  timevar = "visit_index", direction = "wide")
  y <- as.matrix(wide[, grep("^value", names(wide))])
  res <- y - apply(y, 2, function(col) ave(col, wide$arm))
  S <- crossprod(res) / (nrow(y) - nlevels(g$arm))
  k <- ncol(y)
  C <- contr.poly(k)
  M <- t(C) %*% S %*% C
  eps <- sum(diag(M))^2 / ((k - 1) * sum(diag(M %*% M)))
  f_w <- within[c("visit", "arm:visit"), "F value"]
  df1 <- within[c("visit", "arm:visit"), "Df"]
  df2 <- within[rn == "Residuals", "Df"]
  data.frame(case = g$case[1], source = c("arm", "visit", "arm x visit"),
             f = c(between["arm", "F value"], f_w),
             df1 = c(between["arm", "Df"], df1),
             df2 = c(between[trimws(rownames(between)) == "Residuals", "Df"], df2, df2),
             p_unc = c(between["arm", "Pr(>F)"], within[c("visit", "arm:visit"), "Pr(>F)"]),
             eps = c(NA, eps, eps),
             p_gg = c(NA, pf(f_w, eps * df1, eps * df2, lower.tail = FALSE)))
})
res <- do.call(rbind, rows)
write.csv(res, file.path(here, "mixed_anova.csv"), row.names = FALSE)
cat("wrote", nrow(res), "rows\n")
