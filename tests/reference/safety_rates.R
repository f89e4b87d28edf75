# Reference exposure-adjusted adverse-event rates (msc_dash.exposure.safety_rates).
#
# Input: safety_rates_inputs.csv (safety_rates_inputs.py), one row per subject. Per case
# and arm (and all arms together, "Total", when there are several), per 100 patient-years:
#   event rate     sum(events) / sum(years), exact CI: poisson.test(k, T)$conf.int;
#   quasi-Poisson  fit <- glm(events ~ 1 + offset(log(years)), family = quasipoisson):
#                  (IRLS to epsilon 1e-14: the default 1e-8 leaves the fit ~1e-5 off)
#                  dispersion summary(fit)$dispersion, CI exp(confint.default(fit))
#                  (Wald on the log scale);
#   EAIR           sum(has_event) / sum(years_at_risk), exact CI: poisson.test.
# Output: safety_rates.csv. R 4.x, stats only.
here <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)))
inp <- read.csv(file.path(here, "safety_rates_inputs.csv"), stringsAsFactors = FALSE)
one <- function(case, arm, g) {
  k <- sum(g$events); py <- sum(g$years)
  ex <- poisson.test(k, py)$conf.int
  fit <- glm(events ~ 1 + offset(log(years)), family = quasipoisson, data = g,
             control = glm.control(epsilon = 1e-14, maxit = 100))
  qp <- exp(confint.default(fit))
  n_ev <- sum(g$has_event); risk <- sum(g$years_at_risk)
  ea <- poisson.test(n_ev, risk)$conf.int
  data.frame(case = case, arm = arm, events = k, patient_years = py,
             event_rate = 100 * k / py, event_rate_ci_low = 100 * ex[1],
             event_rate_ci_high = 100 * ex[2], dispersion = summary(fit)$dispersion,
             event_rate_qp_low = 100 * qp[1], event_rate_qp_high = 100 * qp[2],
             subjects_with_event = n_ev, patient_years_at_risk = risk, eair = 100 * n_ev / risk,
             eair_ci_low = 100 * ea[1], eair_ci_high = 100 * ea[2])
}
rows <- list()
for (case in unique(inp$case)) {
  d <- inp[inp$case == case, ]
  arms <- unique(d$arm)
  for (a in arms) rows[[length(rows) + 1]] <- one(case, a, d[d$arm == a, ])
  if (length(arms) > 1) rows[[length(rows) + 1]] <- one(case, "Total", d)
}
res <- do.call(rbind, rows)
write.csv(res, file.path(here, "safety_rates.csv"), row.names = FALSE)
cat("wrote", nrow(res), "rows\n")
