"""Point-estimate tables of the survey benchmark with pandas (peer of the Rust harness).

Usage: python peer_pandas_tables.py /tmp/s.csv
Computes by locality size: (1) mean frequency per actor and period, (2) mean per-respondent class
sum per period, (3) mean change p2 - p1 per actor (respondents with both periods), (4) Index 1-4
means, (5) mean nature (answered - 3) per actor and period; each with n. Prints timings.
"""
import sys, time
import pandas as pd

CLASS = {
    "pro_migrant_groups": "horizontal", "migrant_organisations": "horizontal", "anti_migrant_groups": "horizontal",
    "non_profit_service_providers": "horizontal", "employers": "horizontal", "employer_organisations": "horizontal",
    "trade_unions": "horizontal", "real_estate_companies": "horizontal", "experts_journalists": "horizontal",
    "regional_government": "vertical", "national_mps": "vertical", "national_government": "vertical", "eu_institutions": "vertical",
    "local_governments_in_country": "other_local_governments", "local_governments_abroad": "other_local_governments",
    "local_councillors": "internal", "opposition_councillors": "internal", "public_social_services": "internal",
    "other_policymakers_officials": "internal",
}

def main(path):
    t0 = time.perf_counter()
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    locs = pd.read_csv(path + ".localities.csv", dtype=str)
    t1 = time.perf_counter()
    df = df.merge(locs[["id", "size_class"]], left_on="locality", right_on="id", how="left")
    freq = df[df["item"].str.startswith("freq_")].copy()
    freq["actor"] = freq["item"].str[5:]
    freq["v"] = pd.to_numeric(freq["value"], errors="coerce")
    freq = freq.dropna(subset=["v"])
    t_freq = freq.groupby(["size_class", "period", "actor"])["v"].agg(["mean", "count"])
    freq["class"] = freq["actor"].map(CLASS)
    per_resp = freq.groupby(["respondent", "size_class", "period", "class"])["v"].sum()
    t_class = per_resp.groupby(["size_class", "period", "class"]).agg(["mean", "count"])
    wide = freq.pivot_table(index=["respondent", "size_class", "actor"], columns="period", values="v")
    wide["change"] = wide["p2"] - wide["p1"]
    t_change = wide.groupby(["size_class", "actor"])["change"].agg(["mean", "count"])
    idx = freq.groupby(["respondent", "size_class", "period"])["v"].sum().unstack("period")
    idx["index3"] = idx["p1"] + idx["p2"]
    idx["index4"] = idx["p2"] - idx["p1"]
    t_idx = idx.groupby("size_class")[["p1", "p2", "index3", "index4"]].agg(["mean", "count"])
    nat = df[df["item"].str.startswith("nature_")].copy()
    nat["actor"] = nat["item"].str[7:]
    nat["v"] = pd.to_numeric(nat["value"], errors="coerce") - 3
    t_nat = nat.dropna(subset=["v"]).groupby(["size_class", "period", "actor"])["v"].agg(["mean", "count"])
    t2 = time.perf_counter()
    print(f"pandas {pd.__version__} read_s {t1 - t0:.3f} compute_s {t2 - t1:.3f} total_s {t2 - t0:.3f} rows {len(df)} tables {[len(t) for t in (t_freq, t_class, t_change, t_idx, t_nat)]}")
    print(t_freq.loc["small_town", "p2"].head(3).round(4).to_string())

if __name__ == "__main__":
    main(sys.argv[1])
