# Reference F tests of the subgroup analysis (msc_dash.subgroups.subgroup_interaction).
#
# Input: subgroups_inputs.csv (written by subgroups_inputs.py). Per case:
#   two or more arms: anova(lm(change ~ baseline + arm * level)), the arm:level row
#                     (treatment x subgroup interaction; the last term, so its
#                     sequential F is the F of the interaction given everything else);
#   one arm:          anova(lm(change ~ baseline + level)), the level row
#                     (heterogeneity across subgroups).
# Output: subgroups.csv (case, term, f, df_num, df_den, p). R 4.x, stats::lm/anova.
here <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)))
inp <- read.csv(file.path(here, "subgroups_inputs.csv"), stringsAsFactors = FALSE)
rows <- lapply(split(inp, factor(inp$case, levels = unique(inp$case))), function(g) {
  g$level <- factor(g$level)
  g$arm <- factor(g$arm)
  if (g$arms[1] >= 2) {
    a <- anova(lm(change ~ baseline + arm * level, data = g))
    term <- "arm:level"
  } else {
    a <- anova(lm(change ~ baseline + level, data = g))
    term <- "level"
  }
  data.frame(case = g$case[1], term = term, f = a[term, "F value"], df_num = a[term, "Df"],
             df_den = a["Residuals", "Df"], p = a[term, "Pr(>F)"])
})
res <- do.call(rbind, rows)
write.csv(res, file.path(here, "subgroups.csv"), row.names = FALSE)
cat("wrote", nrow(res), "cases\n")
