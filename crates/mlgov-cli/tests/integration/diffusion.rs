//! `mlgov diffusion run|compare` on the bundled knowledge base: reproducible results, paired
//! scenario differences, and usage/data errors.

use super::common::Env;

#[test]
fn run_is_reproducible_and_seeds_adopt() {
    let env = Env::new();
    env.demo();
    let args = ["diffusion", "run", "--seeds", "Barcelona,Bologna", "--runs", "300", "--seed", "7"];
    let a = env.json(&args);
    let b = env.json(&args);
    assert_eq!(a, b, "same seed, same result");
    let result = &a["result"];
    assert_eq!(result["runs"], 300);
    let nodes = result["nodes"].as_array().unwrap();
    let barcelona = nodes.iter().find(|n| n["key"] == "loc:barcelona").unwrap();
    assert_eq!(barcelona["probability"], 1.0);
    assert_eq!(barcelona["seed"], true);
    assert!(result["final_adopters"]["mean"].as_f64().unwrap() >= 2.0);
    assert!(a["note"].as_str().unwrap().contains("Assumed, not observed"));
    let text = env.ok(&["diffusion", "run", "--seeds", "Barcelona", "--runs", "100"]);
    assert!(
        text.contains("Adoption curve") && text.contains("Bridges that carried adoption"),
        "{text}"
    );
}

#[test]
fn compare_reports_paired_gains_for_the_scenario_targets() {
    let env = Env::new();
    env.demo();
    env.write(
        "baseline.toml",
        "name = \"baseline\"\n[simulation]\nruns = 1000\nseed = 3\nseeds = [\"Barcelona\"]\n",
    );
    env.write(
        "scenario.toml",
        r#"name = "NGO reaches Bardonecchia"
[[intervention]]
kind = "add_carrier"
node = { key = "ngo:new", kind = "organisation" }
edges = [
  { source = "Barcelona", target = "ngo:new", probability = 1.0 },
  { source = "ngo:new", target = "Bardonecchia", probability = 0.5 },
]
"#,
    );
    let v = env.json(&["diffusion", "compare", "baseline.toml", "scenario.toml"]);
    let cmp = &v["comparison"];
    assert_eq!(cmp["added_nodes"][0], "ngo:new");
    let node =
        cmp["nodes"].as_array().unwrap().iter().find(|n| n["key"] == "loc:bardonecchia").unwrap();
    // P = 1.0 · 0.5 · s, s = σ(intercept + factors) > 0; the paired interval excludes zero.
    assert!(node["difference"].as_f64().unwrap() > 0.0);
    assert!(node["interval"]["low"].as_f64().unwrap() > 0.0);
    assert_eq!(node["runs_lost"], 0);
    assert!(cmp["final_adopters"]["mean"].as_f64().unwrap() > 0.0);
}

#[test]
fn errors_name_what_is_wrong() {
    let env = Env::new();
    env.demo();
    let (code, _, err) = env.mlgov(&["diffusion", "run", "--runs", "10"]);
    assert_eq!(code, 1, "no seeds is a usage error: {err}");
    assert!(err.contains("--seeds"), "{err}");
    let (code, _, err) = env.mlgov(&["diffusion", "run", "--seeds", "Atlantis", "--runs", "10"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("Atlantis"), "{err}");
    env.write("bad.toml", "[[intervention]]\nkind = \"set_attributes\"\nnodes = [\"Barcelona\"]\nset = { public_attitudes = 9 }\n");
    let (code, _, err) = env.mlgov(&[
        "diffusion",
        "run",
        "--seeds",
        "Bologna",
        "--runs",
        "10",
        "--scenario",
        "bad.toml",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("public_attitudes = 9") && err.contains("[1, 5]"), "{err}");
}
