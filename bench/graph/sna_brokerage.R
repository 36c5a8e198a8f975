# Reference for the Gould-Fernandez brokerage null model: runs R's sna::brokerage (Butts, sna
# package; Gould & Fernandez 1989) on one graph and prints raw counts, expected values,
# standard deviations and z-scores. This is the reference used by the mlgov tests of
# crates/mlgov-graph/src/brokerage_null.rs (directed case).
#
# Usage:
#   Rscript bench/graph/sna_brokerage.R EDGES.csv N CLASSES.txt
#     EDGES.csv    CSV with header `source,target`, one arc per row, 1-based node numbers.
#                  For an undirected graph list both directions of every edge.
#     N            number of nodes (nodes without arcs count too).
#     CLASSES.txt  one class label per line, line i = class of node i (N lines).
#
# Output (stdout): CSV with header `node,role,raw,exp,sd,z`; one row per node and role
# (roles w_I, w_O, b_IO, b_OI, b_O, t, in that order), then six rows with node = 0 for the
# whole graph (sna's raw.gli, exp.gli, sd.gli, z.gli). Numbers are printed with 17 significant
# digits; NaN (0/0 z-scores, for roles whose sd is 0) is printed as NaN.
#
# Notes on sna (2.7):
#   * the graph is given to sna as an N x N adjacency matrix built from the arcs; repeated arcs
#     are merged; a self-loop would be kept and counted in the density d = m / (N (N - 1)),
#     as sna does, so do not pass self-loops unless that is what you want;
#   * w_I = coordinator (A->A->A), w_O = itinerant (A->B->A), b_IO = representative (A->A->B),
#     b_OI = gatekeeper (A->B->B), b_O = liaison (A->B->C), t = total.
#
# Needs only base R and the sna package (install.packages("sna")).
suppressPackageStartupMessages(library(sna))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 3) {
  stop("usage: Rscript sna_brokerage.R EDGES.csv N CLASSES.txt")
}
edges <- read.csv(args[1], header = TRUE, colClasses = "integer")
N <- as.integer(args[2])
cl <- readLines(args[3])
cl <- cl[nzchar(cl)]
if (length(cl) != N) stop(sprintf("CLASSES.txt has %d labels, N = %d", length(cl), N))
if (!all(c("source", "target") %in% names(edges))) stop("EDGES.csv needs columns source,target")
if (nrow(edges) > 0 && (min(edges$source, edges$target) < 1 || max(edges$source, edges$target) > N)) {
  stop("node numbers must be in 1..N")
}

g <- matrix(0, N, N)
if (nrow(edges) > 0) g[cbind(edges$source, edges$target)] <- 1
b <- brokerage(g, cl)

roles <- c("w_I", "w_O", "b_IO", "b_OI", "b_O", "t")
num <- function(x) sprintf("%.17g", x)
lines <- "node,role,raw,exp,sd,z"
for (v in seq_len(N)) {
  lines <- c(lines, paste(v, roles, num(b$raw.nli[v, roles]), num(b$exp.nli[v, roles]),
                          num(b$sd.nli[v, roles]), num(b$z.nli[v, roles]), sep = ","))
}
lines <- c(lines, paste(0, roles, num(b$raw.gli[roles]), num(b$exp.gli[roles]),
                        num(b$sd.gli[roles]), num(b$z.gli[roles]), sep = ","))
writeLines(lines)
