# Kaplan-Meier, log-rank and Cox reference values for tests/test_survival.py.
# Input: tests/reference/survival_input.csv (written by survival_inputs.py).
# survival::survfit(Surv(time, event) ~ 1) per arm, conf.type = "log" (default),
#   conf.int = 0.95; summary(censored = TRUE) rows -> survival_km.csv
# survival::survdiff(Surv(time, event) ~ arm)      -> survival_tests.csv (chisq, p)
# survival::coxph(Surv(time, event) ~ treated, ties = "efron") -> coef, se, Wald p,
#   exp(coef) and its 95% interval; median from print(survfit)'s table.
library(survival)
here <- "tests/reference"
d <- read.csv(file.path(here, "survival_input.csv"), stringsAsFactors = FALSE)
km_rows <- list(); test_rows <- list()
for (ds in unique(d$dataset)) {
  x <- d[d$dataset == ds, ]
  arms <- unique(x$arm)
  meds <- c()
  for (a in arms) {
    y <- x[x$arm == a, ]
    fit <- survfit(Surv(time, event) ~ 1, data = y)
    s <- summary(fit, censored = TRUE)
    km_rows[[length(km_rows) + 1]] <- data.frame(
      dataset = ds, arm = a, day = s$time, at_risk = s$n.risk, events = s$n.event,
      censored = s$n.censor, survival = s$surv, ci_low = s$lower, ci_high = s$upper)
    meds[a] <- summary(fit)$table[["median"]]
  }
  sd <- survdiff(Surv(time, event) ~ arm, data = x)
  control <- if (ds == "tied") "Control" else "Saline"
  x$treated <- as.numeric(x$arm != control)
  cx <- summary(coxph(Surv(time, event) ~ treated, data = x, ties = "efron"))
  test_rows[[length(test_rows) + 1]] <- data.frame(
    dataset = ds, chisq = sd$chisq,
    logrank_p = pchisq(sd$chisq, length(arms) - 1, lower.tail = FALSE),
    coef = cx$coefficients[1, "coef"], se = cx$coefficients[1, "se(coef)"],
    wald_p = cx$coefficients[1, "Pr(>|z|)"], hr = cx$conf.int[1, "exp(coef)"],
    hr_low = cx$conf.int[1, "lower .95"], hr_high = cx$conf.int[1, "upper .95"],
    median_arms = paste(names(meds), collapse = ";"),
    median_days = paste(ifelse(is.na(meds), "NA", format(meds, digits = 15)), collapse = ";"))
}
write.csv(do.call(rbind, km_rows), file.path(here, "survival_km.csv"), row.names = FALSE)
write.csv(do.call(rbind, test_rows), file.path(here, "survival_tests.csv"), row.names = FALSE)
