//! Soak: a steady request rate of mixed API and page reads against `mlgov serve` for a fixed
//! time, with the server's resident memory sampled every 2 s. Runs only when `MLGOV_SOAK=1`
//! (scripts/test.sh sets it: 60 s); `MLGOV_SOAK_SECS` and `MLGOV_SOAK_RPS` change duration and
//! rate, `MLGOV_SOAK_REPORT=<file>` writes the figures as JSON (bench/soak/run.sh uses them).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::common::*;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The mix: cacheable API reads, detail pages, HTML pages, a few uncacheable variations (the
/// page number changes) so that not everything is a cache hit.
fn urls(s: &Server) -> Vec<String> {
    let loc = s.get("/api/v1/localities?per_page=3").expect("localities").json().expect("JSON");
    let net = s.get("/api/v1/networks?per_page=3").expect("networks").json().expect("JSON");
    let mut u: Vec<String> = vec![
        "/api/v1".into(),
        "/api/v1/localities?per_page=50".into(),
        "/api/v1/networks".into(),
        "/api/v1/memberships?per_page=100".into(),
        "/api/v1/search?q=tur".into(),
        "/api/v1/typology".into(),
        "/api/v1/crosstabs".into(),
        "/api/v1/hypotheses".into(),
        "/".into(),
        "/localities".into(),
        "/networks".into(),
        "/analyses".into(),
        "/sources".into(),
    ];
    for item in loc["items"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(net["items"].as_array().into_iter().flatten())
    {
        if let Some(h) = item["href"].as_str() {
            u.push(h.to_string());
            let id = item["id"].as_str().unwrap_or("");
            let kind = if id.starts_with("loc:") { "localities" } else { "networks" };
            u.push(format!("/api/v1/{kind}/{}", encode(id.as_bytes())));
        }
    }
    u
}

/// Maximum of a slice.
fn max(v: &[u64]) -> u64 {
    v.iter().copied().max().unwrap_or(0)
}

/// Part 3, steady-rate soak (default 200 req/s for 60 s): no errors, and memory flat (the largest
/// RSS sample of the last third of the run is within 20 % of the largest of the first third).
#[test]
fn steady_rate_soak_has_no_errors_and_flat_memory() {
    if std::env::var("MLGOV_SOAK").as_deref() != Ok("1") {
        eprintln!("NOTICE: soak skipped (set MLGOV_SOAK=1; scripts/test.sh does)");
        return;
    }
    let secs = env_u64("MLGOV_SOAK_SECS", 60).clamp(5, 3600);
    let rps = env_u64("MLGOV_SOAK_RPS", 200).clamp(1, 2000);
    let (_dir, _db, mut s) = serve_demo("soak.db");
    let urls = Arc::new(urls(&s));
    let pid = s.pid();
    let total = secs * rps;
    let next = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let latencies = Arc::new(Mutex::new(Vec::<u32>::with_capacity(total as usize)));
    let late = Arc::new(AtomicU64::new(0));
    let t0 = Instant::now();
    let workers = 16;
    let mut handles = Vec::new();
    for _ in 0..workers {
        let (next, errors, latencies, late, urls) =
            (next.clone(), errors.clone(), latencies.clone(), late.clone(), urls.clone());
        let addr = s.addr;
        handles.push(std::thread::spawn(move || {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let due = t0 + Duration::from_secs_f64(i as f64 / rps as f64);
                let now = Instant::now();
                if due > now {
                    std::thread::sleep(due - now)
                } else if now - due > Duration::from_millis(250) {
                    late.fetch_add(1, Ordering::Relaxed);
                }
                let url = &urls[(i as usize * 7919) % urls.len()];
                let q = Instant::now();
                let r = request(addr, "GET", url, &[], b"", Duration::from_secs(10));
                let ms = q.elapsed().as_micros() as u32;
                match r {
                    Ok(r) if r.status == 200 => latencies.lock().expect("lock").push(ms),
                    Ok(r) => errors.lock().expect("lock").push(format!("{url}: {}", r.status)),
                    Err(e) => errors.lock().expect("lock").push(format!("{url}: {e}")),
                }
            }
        }));
    }
    let mut rss = Vec::new();
    let sample = Duration::from_secs(2);
    while t0.elapsed() < Duration::from_secs(secs) {
        std::thread::sleep(
            sample
                .min(Duration::from_secs(secs).saturating_sub(t0.elapsed()))
                .max(Duration::from_millis(10)),
        );
        rss.push(rss_kib(pid).expect("server RSS"));
    }
    for h in handles {
        h.join().expect("worker");
    }
    let elapsed = t0.elapsed().as_secs_f64();
    assert!(s.alive(), "server died during the soak: {}", s.stderr());
    let mut lat = latencies.lock().expect("lock").clone();
    lat.sort_unstable();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(0) as f64
            / 1000.0
    };
    let third = (rss.len() / 3).max(1);
    let (first, last) = (max(&rss[..third]), max(&rss[rss.len() - third..]));
    let errs = errors.lock().expect("lock").clone();
    let report = serde_json::json!({
        "seconds": secs, "target_rps": rps, "requests": total, "ok": lat.len(), "errors": errs.len(),
        "achieved_rps": (lat.len() + errs.len()) as f64 / elapsed, "late_starts_over_250ms": late.load(Ordering::Relaxed),
        "latency_ms": {"p50": pct(0.5), "p90": pct(0.9), "p99": pct(0.99), "max": pct(1.0)},
        "rss_kib": {"samples": rss, "first_third_max": first, "last_third_max": last, "growth_pct": (last as f64 / first as f64 - 1.0) * 100.0},
        "urls": urls.len(),
    });
    eprintln!("soak: {report}");
    if let Ok(path) = std::env::var("MLGOV_SOAK_REPORT") {
        std::fs::write(&path, serde_json::to_vec_pretty(&report).expect("JSON"))
            .expect("write report");
    }
    s.kill();
    assert!(errs.is_empty(), "{} errors, first: {:?}", errs.len(), &errs[..errs.len().min(10)]);
    assert_eq!(lat.len() as u64, total, "every request answered");
    assert!(rss.len() >= 3, "too few RSS samples");
    assert!(
        last as f64 <= first as f64 * 1.2,
        "memory grew: first third max {first} KiB, last third max {last} KiB"
    );
}
