# Reference values for msc_dash.crossover (tests/test_crossover.py).
#
# Reads crossover_inputs.csv (written by crossover_inputs.py: one row per subject and
# period with the response y) and for each case fits
#   lme4::lmer(y ~ sequence + period + treatment [+ baseline] + (1 | subject_id), REML = TRUE)
# with lmerTest (Satterthwaite df): the treatment coefficient (treatment minus the
# control "Sham"; summary()), the sequence (carryover) and period F tests (anova(),
# type III, Satterthwaite), sigma and the subject SD (VarCorr), the REML criterion,
# Hedges' g = (1 - 3 / (4 df - 1)) * estimate / sqrt(2 sigma^2), and the
# period-1-only comparison lm(y ~ treatment [+ baseline]) on period 1.
# Writes crossover_expected.csv (one row per case). R 4.x, lme4, lmerTest.
suppressPackageStartupMessages({library(lme4); library(lmerTest)})
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
d <- read.csv(file.path(here, "crossover_inputs.csv"), stringsAsFactors = FALSE)
out <- list()
for (case in unique(d$case)) {
  x <- d[d$case == case, ]
  x$sequence <- factor(x$sequence)
  x$period <- factor(x$period)
  x$treatment <- relevel(factor(x$treatment), ref = x$control[1])
  adjust <- x$response[1] == "end"
  f <- if (adjust) y ~ sequence + period + treatment + baseline + (1 | subject_id)
       else y ~ sequence + period + treatment + (1 | subject_id)
  fit <- lmer(f, data = x, REML = TRUE,
              control = lmerControl(optimizer = "bobyqa",
                                    optCtrl = list(rhobeg = 1e-2, rhoend = 1e-12)))
  co <- summary(fit)$coefficients
  trt <- grep("^treatment", rownames(co))
  a <- anova(fit, type = 3, ddf = "Satterthwaite")
  vc <- as.data.frame(VarCorr(fit))
  sigma <- sigma(fit)
  est <- co[trt, "Estimate"]; dfv <- co[trt, "df"]
  p1 <- x[x$period == "1", ]
  g1 <- if (adjust) lm(y ~ treatment + baseline, data = p1) else lm(y ~ treatment, data = p1)
  c1 <- summary(g1)$coefficients
  t1 <- grep("^treatment", rownames(c1))
  out[[case]] <- data.frame(
    case = case, estimate = est, se = co[trt, "Std. Error"], df = dfv,
    p = co[trt, "Pr(>|t|)"],
    carryover_F = a["sequence", "F value"], carryover_df = a["sequence", "DenDF"],
    carryover_p = a["sequence", "Pr(>F)"],
    period_F = a["period", "F value"], period_numdf = a["period", "NumDF"],
    period_df = a["period", "DenDF"], period_p = a["period", "Pr(>F)"],
    sd_subject = vc$sdcor[vc$grp == "subject_id"], sd_residual = sigma,
    reml_criterion = REMLcrit(fit), singular = isSingular(fit),
    hedges_g = (1 - 3 / (4 * dfv - 1)) * est / sqrt(2 * sigma^2),
    period1_estimate = c1[t1, "Estimate"], period1_se = c1[t1, "Std. Error"],
    period1_df = g1$df.residual, period1_p = c1[t1, "Pr(>|t|)"],
    n_obs = nrow(x), n_subjects = length(unique(x$subject_id)))
}
res <- do.call(rbind, out)
write.csv(res, file.path(here, "crossover_expected.csv"), row.names = FALSE)
print(res[, c("case", "estimate", "se", "df", "carryover_p", "period_df", "sd_subject", "singular")])
