"""The frequency table of `mlgov survey analyze NAME frequency --resamples 0` with pandas, as a
practitioner would compute it from the survey exported by `mlgov survey export NAME -o FILE`
(the wide CSV, one row per respondent, plus FILE.localities.csv for the generated localities).

Usage: python freq_pandas.py FILE > table.csv
Mean frequency of interaction per locality size class x period x actor category, with n (answered
frequencies; missing answers are excluded). Categorical dtypes for the text columns, one
vectorised group-by. Prints the table as CSV (size,period,actor,n,mean) on stdout.
"""
import sys

import pandas as pd


def main(path):
    header = pd.read_csv(path, nrows=0).columns
    freq_cols = [c for c in header if c.startswith("freq_")]
    df = pd.read_csv(path, usecols=["locality", *freq_cols], dtype={**{"locality": "category"}, **{c: "float64" for c in freq_cols}})
    locs = pd.read_csv(path + ".localities.csv", usecols=["id", "size_class"], dtype={"id": "category", "size_class": "category"})
    size = df["locality"].map(locs.set_index("id")["size_class"]).astype("category")
    size = size.cat.add_categories(["(none)"]).fillna("(none)")
    g = df[freq_cols].groupby(size, observed=True).agg(["count", "mean"])
    # Columns are (freq_<period>_<actor>, stat): one row per (size, period, actor).
    out = g.stack(level=0, future_stack=True).reset_index()
    out.columns = ["size", "column", "n", "mean"]
    parts = out["column"].str.removeprefix("freq_").str.split("_", n=1, expand=True)
    out["period"], out["actor"] = parts[0], parts[1]
    out = out[out["n"] > 0]
    out[["size", "period", "actor", "n", "mean"]].to_csv(sys.stdout, index=False, float_format="%.12g")


if __name__ == "__main__":
    main(sys.argv[1])
