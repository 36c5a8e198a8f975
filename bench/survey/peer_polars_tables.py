"""Point-estimate tables of the survey benchmark with polars (peer of the Rust harness).

Usage: python peer_polars.py /tmp/s.csv — same five tables as peer_pandas_tables.py.
"""
import sys, time
import polars as pl

from peer_pandas_tables import CLASS

def main(path):
    t0 = time.perf_counter()
    df = pl.read_csv(path, schema_overrides={"value": pl.Utf8, "period": pl.Utf8, "affiliation": pl.Utf8})
    locs = pl.read_csv(path + ".localities.csv").select(["id", "size_class"])
    t1 = time.perf_counter()
    df = df.join(locs, left_on="locality", right_on="id", how="left")
    freq = (
        df.filter(pl.col("item").str.starts_with("freq_"))
        .with_columns(pl.col("item").str.slice(5).alias("actor"), pl.col("value").cast(pl.Float64, strict=False).alias("v"))
        .drop_nulls("v")
        .with_columns(pl.col("actor").replace_strict(CLASS).alias("class"))
    )
    t_freq = freq.group_by(["size_class", "period", "actor"]).agg(pl.col("v").mean().alias("mean"), pl.len().alias("n"))
    per_resp = freq.group_by(["respondent", "size_class", "period", "class"]).agg(pl.col("v").sum())
    t_class = per_resp.group_by(["size_class", "period", "class"]).agg(pl.col("v").mean().alias("mean"), pl.len().alias("n"))
    wide = freq.pivot(on="period", index=["respondent", "size_class", "actor"], values="v")
    t_change = (
        wide.with_columns((pl.col("p2") - pl.col("p1")).alias("change"))
        .drop_nulls("change")
        .group_by(["size_class", "actor"])
        .agg(pl.col("change").mean().alias("mean"), pl.len().alias("n"))
    )
    idx = freq.group_by(["respondent", "size_class", "period"]).agg(pl.col("v").sum()).pivot(on="period", index=["respondent", "size_class"], values="v")
    t_idx = (
        idx.with_columns((pl.col("p1") + pl.col("p2")).alias("index3"), (pl.col("p2") - pl.col("p1")).alias("index4"))
        .group_by("size_class")
        .agg([pl.col(c).mean().alias(c) for c in ["p1", "p2", "index3", "index4"]] + [pl.col("index3").count().alias("n")])
    )
    t_nat = (
        df.filter(pl.col("item").str.starts_with("nature_"))
        .with_columns(pl.col("item").str.slice(7).alias("actor"), (pl.col("value").cast(pl.Float64, strict=False) - 3).alias("v"))
        .drop_nulls("v")
        .group_by(["size_class", "period", "actor"])
        .agg(pl.col("v").mean().alias("mean"), pl.len().alias("n"))
    )
    t2 = time.perf_counter()
    print(f"polars {pl.__version__} read_s {t1 - t0:.3f} compute_s {t2 - t1:.3f} total_s {t2 - t0:.3f} rows {df.height} tables {[t.height for t in (t_freq, t_class, t_change, t_idx, t_nat)]}")
    print(t_freq.filter((pl.col("size_class") == "small_town") & (pl.col("period") == "p2")).sort("actor").head(3))

if __name__ == "__main__":
    main(sys.argv[1])
