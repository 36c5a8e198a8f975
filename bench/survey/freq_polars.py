"""The frequency table of `mlgov survey analyze NAME frequency --resamples 0` with polars (lazy
query: the CSV scan, the join to the localities and the group-by are optimised together), from
the survey exported by `mlgov survey export NAME -o FILE` (wide CSV + FILE.localities.csv).

Usage: python freq_polars.py FILE > table.csv — same table as freq_pandas.py.
"""
import sys

import polars as pl


def main(path):
    freq_cols = [c for c in pl.read_csv(path, n_rows=0).columns if c.startswith("freq_")]
    data = pl.scan_csv(path, schema_overrides={"locality": pl.Categorical, **{c: pl.Float64 for c in freq_cols}})
    locs = pl.scan_csv(path + ".localities.csv").select(pl.col("id").cast(pl.Categorical).alias("locality"), pl.col("size_class").cast(pl.Utf8))
    wide = (
        data.select("locality", *freq_cols)
        .join(locs, on="locality", how="left")
        .with_columns(pl.col("size_class").fill_null("(none)").alias("size"))
        .group_by("size")
        .agg([pl.col(c).count().alias("n|" + c) for c in freq_cols] + [pl.col(c).mean().alias("mean|" + c) for c in freq_cols])
    )
    out = (
        wide.unpivot(index="size")
        .with_columns(pl.col("variable").str.splitn("|", 2).struct.rename_fields(["stat", "column"]))
        .unnest("variable")
        .collect()
        .pivot(on="stat", index=["size", "column"], values="value")
        .with_columns(
            pl.col("column").str.strip_prefix("freq_").str.splitn("_", 2).struct.rename_fields(["period", "actor"]),
            pl.col("n").cast(pl.Int64),
        )
        .unnest("column")
        .filter(pl.col("n") > 0)
        .select("size", "period", "actor", "n", "mean")
    )
    sys.stdout.write(out.write_csv(float_precision=12))


if __name__ == "__main__":
    main(sys.argv[1])
