//! Writes a full synthetic report into a directory, for looking at the charts.
//!
//! `cargo run -p mlgov-survey --example report_demo -- /tmp/survey-report [respondents] [resamples]`

use mlgov_survey::*;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).cloned().unwrap_or_else(|| "/tmp/survey-report".into());
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(67);
    let b: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let ins = Instrument::whole_comm();
    let locs = synth_localities(36, 7);
    let ds = synth(&locs, SynthSize::Total(n), 7, &SynthParams::default(), &ins);
    let base = AnalysisConfig { resamples: b, seed: 7, ..AnalysisConfig::default() };
    let tables = analyze_all(&standard_analyses(&ins, &base), &ds, &ins, &locs).expect("analyses");
    let idx = respondent_indexes(&ds, &ins);
    let meta = ReportMeta {
        title: "Policymaking interactions survey".into(),
        data_source: format!("synthetic, {n} respondents, seed 7"),
        respondents: ds.len(),
        generated_by: "mlgov-survey report_demo".into(),
    };
    std::fs::create_dir_all(&dir)?;
    for f in build_report(&tables, &ins, Some(&idx), &meta) {
        std::fs::write(format!("{dir}/{}", f.name), f.bytes)?;
    }
    eprintln!("wrote {dir}");
    Ok(())
}
