# Reference values for msc_dash.power (tests/test_power.py), computed with R's stats package.
#   two means:       power.t.test(delta, sd, sig.level, power, strict = TRUE, tol = 1e-12)$n
#                    and power.t.test(n, delta, sd, sig.level, strict = TRUE)$power
#                    (strict = TRUE counts both tails, as statsmodels' TTestIndPower does)
#   two proportions: power.prop.test(p1, p2, sig.level, power, tol = 1e-12)$n
#                    and power.prop.test(n, p1, p2, sig.level)$power (strict = FALSE, R's default)
#   events:          Schoenfeld (1983), 1:1: 4 * (qnorm(1 - alpha / 2) + qnorm(power))^2 / log(hr)^2
# Run from the repository root: Rscript --vanilla tests/reference/power.R
# (make reference). Output: tests/reference/power.csv.
out <- "tests/reference/power.csv"
rows <- list()
add <- function(kind, a, b, alpha, power, n, value) {
  rows[[length(rows) + 1]] <<- data.frame(kind = kind, a = a, b = b, alpha = alpha,
                                          power = power, n = n, value = value)
}
for (case in list(c(0.5, 1, 0.05, 0.8), c(1.6, 4.2, 0.05, 0.9), c(3.4, 10.3, 0.01, 0.8),
                  c(0.08, 0.21, 0.05, 0.8), c(2, 1, 0.05, 0.95), c(5, 12, 0.1, 0.8))) {
  r <- power.t.test(delta = case[1], sd = case[2], sig.level = case[3], power = case[4],
                    strict = TRUE, tol = 1e-12)
  add("n_two_means", case[1], case[2], case[3], case[4], NA, r$n)
}
for (case in list(c(20, 0.5, 1, 0.05), c(64, 0.5, 1, 0.05), c(12, 2.1, 3, 0.05),
                  c(100, 1, 5, 0.01))) {
  r <- power.t.test(n = case[1], delta = case[2], sd = case[3], sig.level = case[4],
                    strict = TRUE)
  add("power_two_means", case[2], case[3], case[4], NA, case[1], r$power)
}
for (case in list(c(0.5, 0.3, 0.05, 0.8), c(0.4, 0.15, 0.05, 0.9), c(0.25, 0.1, 0.01, 0.8),
                  c(0.6, 0.55, 0.05, 0.8))) {
  r <- power.prop.test(p1 = case[1], p2 = case[2], sig.level = case[3], power = case[4],
                       tol = 1e-12)
  add("n_two_proportions", case[1], case[2], case[3], case[4], NA, r$n)
}
for (case in list(c(100, 0.5, 0.3, 0.05), c(30, 0.4, 0.15, 0.05), c(250, 0.25, 0.1, 0.01))) {
  r <- power.prop.test(n = case[1], p1 = case[2], p2 = case[3], sig.level = case[4])
  add("power_two_proportions", case[2], case[3], case[4], NA, case[1], r$power)
}
for (case in list(c(0.7, 0.05, 0.8), c(0.5, 0.05, 0.9), c(0.8, 0.01, 0.8), c(1.4, 0.05, 0.8))) {
  z <- qnorm(1 - case[2] / 2) + qnorm(case[3])
  add("schoenfeld_events", case[1], NA, case[2], case[3], NA, 4 * z^2 / log(case[1])^2)
}
write.csv(do.call(rbind, rows), out, row.names = FALSE)
cat("wrote", out, "\n")
