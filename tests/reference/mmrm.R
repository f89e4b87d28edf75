# Reference values for msc_dash.mmrm (tests/test_mmrm_reference.py).
#
# Input: mmrm_input.csv, written by tests/reference/mmrm_inputs.py (the rows
# msc_dash fits: y = change from baseline, or log ratio for log-scale outcomes,
# covariate = baseline or log baseline).
#
# Model, per dataset x outcome, fitted by REML with nlme::gls:
#   two-arm:    y ~ covariate * visit + arm * visit
#   single-arm: y ~ covariate * visit
# covariance over the follow-up visits (visit_index = 1..v):
#   unstructured:      correlation = corSymm(form = ~ visit_index | subject_id),
#                      weights = varIdent(form = ~ 1 | visit)
#   compound_symmetry: corCompSymm(form = ~ visit_index | subject_id)
#   ar1:               corAR1(form = ~ visit_index | subject_id)
#   toeplitz:          corARMA(form = ~ visit_index | subject_id, p = v - 1, q = 0)
# Contrasts (treatment - control at each visit) and LS means at
# covariate = cbar (the subjects' mean covariate) from emmeans, with
# mode = "satterthwaite": emmeans differentiates the vcov of the estimates
# with respect to nlme's variance parameters and uses nlme's apVar (a
# numerical-Hessian covariance of those parameters), i.e. the Satterthwaite
# df of the R mmrm package up to that numerical Hessian.
#
# Output: mmrm_reference.csv, one row per dataset x outcome x structure x
# term (term = "contrast" or "lsmean:<arm>") x visit: estimate, se, df,
# plus the fit's logLik (REML) and AIC. Fits that fail in R are left out.
#
# Run: Rscript --vanilla tests/reference/mmrm.R   (from the repository root;
# `make reference` does it). R 4.x, nlme 3.1, emmeans 1.8.

suppressPackageStartupMessages({
  library(nlme)
  library(emmeans)
})

args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
inp <- read.csv(file.path(here, "mmrm_input.csv"), stringsAsFactors = FALSE)
# gls() hands nlminb() only trace and iter.max, so it stops at nlminb's default
# relative tolerance with a finite-difference gradient (about 1e-8 in the REML
# log-likelihood here, 1e-5 in the estimates). For reference values the optimum
# must be tight: nlme's imported nlminb is swapped for one that, after the
# default run, takes Newton steps on the same objective with numDeriv's
# Richardson-extrapolated gradient and Hessian, keeping each step only if it
# lowers the objective. The objective and the model are nlme's own; only the
# stopping rule changes.
tight_nlminb <- function(start, objective, ..., control = list()) {
  res <- stats::nlminb(start, objective, ..., control = control)
  if (res$convergence != 0) return(res)
  for (i in 1:4) {
    g <- numDeriv::grad(objective, res$par)
    h <- numDeriv::hessian(objective, res$par)
    step <- tryCatch(solve(h, g), error = function(e) NULL)
    if (is.null(step) || any(!is.finite(step))) break
    f <- objective(res$par - step)
    if (!is.finite(f) || f > res$objective) break
    res$par <- res$par - step
    res$objective <- f
  }
  res
}
imports <- parent.env(asNamespace("nlme"))
unlockBinding("nlminb", imports)
assign("nlminb", tight_nlminb, envir = imports)
lockBinding("nlminb", imports)

ctl <- glsControl(maxIter = 500, msMaxIter = 500, tolerance = 1e-10, msTol = 1e-12,
                  returnObject = FALSE)

correlation_of <- function(structure, v) {
  switch(structure,
    unstructured = corSymm(form = ~ visit_index | subject_id),
    compound_symmetry = corCompSymm(form = ~ visit_index | subject_id),
    ar1 = corAR1(form = ~ visit_index | subject_id),
    toeplitz = corARMA(form = ~ visit_index | subject_id, p = v - 1, q = 0))
}

fit_one <- function(d, structure) {
  v <- length(unique(d$visit_index))
  if (v < 2 && structure != "unstructured") return(NULL)
  two_arm <- length(unique(d$arm)) > 1
  d$visit <- factor(d$visit, levels = unique(d$visit[order(d$visit_index)]))
  if (two_arm) {
    ctrl <- unique(d$arm[d$treated == 0])
    trt <- unique(d$arm[d$treated == 1])
    d$arm <- factor(d$arm, levels = c(ctrl, trt))
    form <- y ~ covariate * visit + arm * visit
  } else {
    form <- y ~ covariate * visit
  }
  assign("d", d, envir = globalenv())  # emmeans re-evaluates the call's data
  wts <- if (structure == "unstructured" && v > 1) varIdent(form = ~ 1 | visit) else NULL
  cor <- if (v > 1) correlation_of(structure, v) else NULL
  # bquote: emmeans re-fits from the call, which must hold the values, not local names
  fit <- tryCatch(eval(bquote(
    gls(.(form), data = d, correlation = .(cor), weights = .(wts), method = "REML",
        control = .(ctl)))),
    error = function(e) { message(structure, ": ", conditionMessage(e)); NULL })
  if (is.null(fit)) return(NULL)
  at <- list(covariate = d$cbar[1])
  mode <- if (is.matrix(fit$apVar)) "satterthwaite" else "df.error"
  specs <- if (two_arm) ~ arm | visit else ~ visit
  emm <- tryCatch(suppressMessages(emmeans(fit, specs, at = at, mode = mode, data = d)),
                  error = function(e) { message("emmeans: ", conditionMessage(e)); NULL })
  if (is.null(emm)) return(NULL)
  ls <- as.data.frame(summary(emm))
  out <- data.frame(term = if (two_arm) paste0("lsmean:", ls$arm) else "lsmean:All",
                    visit = as.character(ls$visit), estimate = ls$emmean, se = ls$SE,
                    df = ls$df)
  if (two_arm) {
    con <- as.data.frame(summary(pairs(emm, reverse = TRUE)))
    out <- rbind(out, data.frame(term = "contrast", visit = as.character(con$visit),
                                 estimate = con$estimate, se = con$SE, df = con$df))
  }
  out$df_mode <- mode
  out$loglik <- as.numeric(logLik(fit))
  out$aic <- AIC(fit)
  out
}

rows <- list()
for (key in unique(paste(inp$dataset, inp$outcome, sep = "|"))) {
  parts <- strsplit(key, "|", fixed = TRUE)[[1]]
  d <- inp[inp$dataset == parts[1] & inp$outcome == parts[2], ]
  for (structure in c("unstructured", "compound_symmetry", "ar1", "toeplitz")) {
    res <- fit_one(d, structure)
    if (is.null(res)) next
    rows[[length(rows) + 1]] <- cbind(dataset = parts[1], outcome = parts[2],
                                      structure = structure, res)
  }
}
out <- do.call(rbind, rows)
write.csv(out, file.path(here, "mmrm_reference.csv"), row.names = FALSE)
cat("wrote", nrow(out), "rows to", file.path(here, "mmrm_reference.csv"), "\n")
