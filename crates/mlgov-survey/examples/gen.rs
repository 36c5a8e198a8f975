//! Benchmark/demo data generator: writes a synthetic survey file (long or wide CSV).
//!
//! `cargo run --release -p mlgov-survey --example gen -- --respondents 50000 --seed 1 --out /tmp/s.csv [--layout wide] [--localities 49]`
//! Also writes `<out>.localities.csv` (id,label,size_class,orientation,typology,country,synthetic).

use mlgov_survey::{
    Instrument, SynthParams, SynthSize, synth, synth_localities, write_long_csv, write_wide_csv,
};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let get = |k: &str| args.iter().position(|a| a == k).and_then(|i| args.get(i + 1)).cloned();
    let n: usize = get("--respondents").and_then(|s| s.parse().ok()).unwrap_or(50_000);
    let seed: u64 = get("--seed").and_then(|s| s.parse().ok()).unwrap_or(1);
    let nloc: usize = get("--localities").and_then(|s| s.parse().ok()).unwrap_or(49);
    let out = get("--out").unwrap_or_else(|| "/tmp/survey.csv".into());
    let wide = get("--layout").as_deref() == Some("wide");
    let ins = Instrument::whole_comm();
    let locs = synth_localities(nloc, seed);
    let ds = synth(&locs, SynthSize::Total(n), seed, &SynthParams::default(), &ins);
    let f = std::fs::File::create(&out)?;
    if wide {
        write_wide_csv(&ds, &ins, f)?;
    } else {
        write_long_csv(&ds, &ins, f)?;
    }
    let mut l = String::from("id,label,size_class,orientation,typology,country,synthetic\n");
    for x in &locs {
        l += &format!(
            "{},{},{},{},{},{},{}\n",
            x.id,
            x.label,
            x.size_class.clone().unwrap_or_default(),
            x.orientation.clone().unwrap_or_default(),
            x.typology.clone().unwrap_or_default(),
            x.country.clone().unwrap_or_default(),
            x.synthetic
        );
    }
    std::fs::write(format!("{out}.localities.csv"), l)?;
    eprintln!(
        "wrote {out}: {} respondents, {} frequency answers",
        ds.len(),
        ds.answered_frequencies()
    );
    Ok(())
}
