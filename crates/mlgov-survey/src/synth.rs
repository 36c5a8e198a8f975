//! Synthetic survey responses from documented parameters, loosely shaped by the key findings of
//! file 003 Part 3 and file 004. Everything generated is flagged `synthetic`; it serves tests,
//! demos and benchmarks and is never Whole-COMM's data.
//!
//! Model: for respondent i in locality l, actor a of class c, the latent frequency in the last
//! period is `base[c] + offset[a] + size[l] + orientation effect + typology effect + role effect +
//! u_i + e_ia` with u_i ~ N(0, respondent_sd) and e_ia ~ N(0, answer_sd); the first period adds
//! the pandemic decline (larger in rural areas and within the local government, reversed for the
//! national government). The answer is the latent value rounded and clamped to the scale; each
//! answer is missing with probability `missing_rate`. Nature is answered only where the frequency
//! is above 0, from an analogous model on the 1–5 scale. Complexity O(R·A·P).

use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use serde::{Deserialize, Serialize};

use crate::analysis::LocalityInfo;
use crate::bootstrap::derive_seed;
use crate::dataset::{Dataset, PerceptionAnswer, Respondent};
use crate::instrument::{ActorClass, Instrument, PerceptionItem, PerceptionKind};

/// How many respondents to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SynthSize {
    /// This many per locality.
    PerLocality(usize),
    /// This many in total, spread round-robin over the localities.
    Total(usize),
}

/// Parameters of the generator (defaults documented in docs/survey.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SynthParams {
    /// Mean latent frequency in the last period, per class (horizontal, vertical, other local
    /// governments, internal). 003: horizontal 1–2, vertical "close to 1", internal ~4 for
    /// elected policymakers in bigger towns.
    pub class_base: [f64; 4],
    /// Per-actor offsets (anti-migrant groups and EU almost absent, non-profit providers high).
    pub actor_offset: Vec<(String, f64)>,
    /// Effect of locality size class.
    pub size_effect: Vec<(String, f64)>,
    /// Progressive local governments: extra on horizontal (civil-society) actors.
    pub progressive_horizontal: f64,
    /// Progressive local governments: extra on other classes.
    pub progressive_other: f64,
    /// Typology effects: (type, overall, vertical extra).
    pub typology_effect: Vec<(String, f64, f64)>,
    /// Decline from the first to the last period (003: "around 1 point").
    pub pandemic_decline: f64,
    /// Extra decline in rural areas.
    pub rural_extra_decline: f64,
    /// Extra decline within the local government.
    pub internal_extra_decline: f64,
    /// Change for the national government (positive = increase after 2020).
    pub national_government_increase: f64,
    /// SD of the respondent effect.
    pub respondent_sd: f64,
    /// SD of the answer noise.
    pub answer_sd: f64,
    /// Probability that an answer is missing.
    pub missing_rate: f64,
    /// Share of elected policymakers among respondents (the rest are local officials).
    pub elected_share: f64,
    /// Mean nature as answered (1–5) for a neutral actor.
    pub nature_base: f64,
    /// Nature offsets per actor.
    pub nature_offset: Vec<(String, f64)>,
    /// Nature offset per class (horizontal, vertical, other local governments, internal).
    pub nature_class: [f64; 4],
    /// Nature offset in rural areas.
    pub nature_rural: f64,
    /// Mean perceived public attitude (1–5).
    pub attitudes_base: f64,
    /// Attitude offset reported by conservative respondents.
    pub attitudes_conservative: f64,
    /// Attitude offset in rural areas (small towns get half).
    pub attitudes_rural: f64,
    /// Probability to name each specialist information source.
    pub specialist_source_rate: f64,
    /// Probability to name each non-specialist information source.
    pub non_specialist_source_rate: f64,
    /// Probability to see the local government as primarily responsible.
    pub local_responsibility_rate: f64,
}

impl Default for SynthParams {
    fn default() -> Self {
        let s = |v: &[(&str, f64)]| v.iter().map(|(a, b)| (a.to_string(), *b)).collect();
        SynthParams {
            class_base: [1.3, 1.0, 0.9, 3.0],
            actor_offset: s(&[
                ("anti_migrant_groups", -1.4),
                ("non_profit_service_providers", 0.5),
                ("pro_migrant_groups", 0.3),
                ("real_estate_companies", -0.4),
                ("eu_institutions", -1.1),
                ("national_mps", -0.3),
                ("local_governments_abroad", -0.9),
                ("public_social_services", 0.6),
                ("opposition_councillors", -0.6),
            ]),
            size_effect: s(&[("rural_area", -0.5), ("small_town", 0.0), ("medium_town", 0.5)]),
            progressive_horizontal: 0.6,
            progressive_other: 0.2,
            typology_effect: vec![
                ("revitalising".into(), 0.3, 0.0),
                ("marginal".into(), 0.1, 0.3),
                ("in_transition".into(), -0.1, 0.0),
                ("left_behind".into(), -0.2, 0.3),
            ],
            pandemic_decline: 0.9,
            rural_extra_decline: 0.5,
            internal_extra_decline: 0.4,
            national_government_increase: 0.2,
            respondent_sd: 0.5,
            answer_sd: 0.6,
            missing_rate: 0.03,
            elected_share: 0.5,
            nature_base: 4.0,
            nature_offset: s(&[
                ("anti_migrant_groups", -2.2),
                ("opposition_councillors", -1.0),
                ("national_government", -0.4),
            ]),
            nature_class: [0.0, -0.3, 0.0, 0.3],
            nature_rural: -0.4,
            attitudes_base: 3.1,
            attitudes_conservative: -0.7,
            attitudes_rural: -0.5,
            specialist_source_rate: 0.15,
            non_specialist_source_rate: 0.6,
            local_responsibility_rate: 0.25,
        }
    }
}

fn lookup(v: &[(String, f64)], k: &str) -> f64 {
    v.iter().find(|(a, _)| a == k).map_or(0.0, |(_, b)| *b)
}

fn class_ix(c: ActorClass) -> usize {
    match c {
        ActorClass::Horizontal => 0,
        ActorClass::Vertical => 1,
        ActorClass::OtherLocalGovernments => 2,
        ActorClass::Internal => 3,
    }
}

/// Generate `n` synthetic localities (ids `loc:synthetic-0001`…, labels `SYNTHETIC 0001 (IT)`),
/// cycling through size classes and drawing orientation, typology and one of the seven countries
/// of the 003 survey.
pub fn synth_localities(n: usize, seed: u64) -> Vec<LocalityInfo> {
    let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(seed, &["localities"]));
    let sizes = ["rural_area", "small_town", "medium_town"];
    let types = ["revitalising", "marginal", "in_transition", "left_behind"];
    let countries = ["AT", "BE", "DE", "IT", "NL", "ES", "SE"];
    (0..n)
        .map(|i| {
            let orient = match rng.random_range(0..20) {
                0..9 => "progressive",
                9..18 => "conservative",
                _ => "mixed",
            };
            let country = countries[rng.random_range(0..countries.len())];
            LocalityInfo {
                id: format!("loc:synthetic-{:04}", i + 1),
                label: format!("SYNTHETIC {:04} ({country})", i + 1),
                size_class: Some(sizes[i % 3].to_string()),
                orientation: Some(orient.to_string()),
                typology: Some(types[rng.random_range(0..types.len())].to_string()),
                country: Some(country.to_string()),
                synthetic: true,
                choices: Vec::new(),
            }
        })
        .collect()
}

/// Generate synthetic responses. The dataset is flagged `synthetic = true`.
pub fn synth(
    localities: &[LocalityInfo],
    size: SynthSize,
    seed: u64,
    params: &SynthParams,
    ins: &Instrument,
) -> Dataset {
    let mut ds = Dataset::new(ins);
    ds.synthetic = true;
    if localities.is_empty() {
        return ds;
    }
    let total = match size {
        SynthSize::PerLocality(k) => k * localities.len(),
        SynthSize::Total(n) => n,
    };
    let model = Model::new(ins, params);
    for i in 0..total {
        let l = match size {
            SynthSize::PerLocality(k) => i / k.max(1),
            SynthSize::Total(_) => i % localities.len(),
        };
        model.respondent(&mut ds, &localities[l], i, seed);
    }
    ds
}

/// What every synthetic respondent shares: the instrument, the parameters, the roles that lead
/// and the noise.
struct Model<'a> {
    ins: &'a Instrument,
    params: &'a SynthParams,
    elected: usize,
    official: usize,
    last: usize,
    fmin: f64,
    fmax: f64,
    actor_off: Vec<f64>,
    nature_off: Vec<f64>,
    noise: Normal<f64>,
    resp_noise: Normal<f64>,
}

/// A respondent's traits that shift their answers.
struct Traits<'a> {
    is_elected: bool,
    affiliation: Option<usize>,
    size_s: &'a str,
    progressive: bool,
    conservative: bool,
    rural: bool,
    /// The size and typology effects and the respondent's own noise.
    size_e: f64,
    typ_e: f64,
    typ_v: f64,
    u: f64,
}

impl<'a> Model<'a> {
    fn new(ins: &'a Instrument, params: &'a SynthParams) -> Self {
        let lead = |side| ins.roles.iter().position(|r| r.lead == Some(side)).unwrap_or(0);
        Model {
            ins,
            params,
            elected: lead(crate::instrument::LeadSide::Elected),
            official: lead(crate::instrument::LeadSide::Official),
            last: ins.periods.len() - 1,
            fmin: ins.frequency.min as f64,
            fmax: ins.frequency.max as f64,
            actor_off: ins.actors.iter().map(|a| lookup(&params.actor_offset, &a.id)).collect(),
            nature_off: ins.actors.iter().map(|a| lookup(&params.nature_offset, &a.id)).collect(),
            noise: Normal::new(0.0, params.answer_sd.max(1e-9)).expect("finite sd"),
            resp_noise: Normal::new(0.0, params.respondent_sd.max(1e-9)).expect("finite sd"),
        }
    }

    /// Respondent `i` of locality `loc`, with every answer, drawn from its own seed.
    fn respondent(&self, ds: &mut Dataset, loc: &LocalityInfo, i: usize, seed: u64) {
        let (ins, params) = (self.ins, self.params);
        let mut rng = ChaCha8Rng::seed_from_u64(derive_seed(seed, &["respondent", &i.to_string()]));
        let is_elected = rng.random_bool(params.elected_share.clamp(0.0, 1.0));
        let size_s = loc.size_class.as_deref().unwrap_or("");
        let orient = loc.orientation.as_deref().unwrap_or("");
        let affiliation = if is_elected {
            let aff = if rng.random_bool(0.9) { orient } else { "other" };
            ins.affiliation_index(aff)
        } else {
            None
        };
        let (typ_e, typ_v) = params
            .typology_effect
            .iter()
            .find(|(t, _, _)| Some(t.as_str()) == loc.typology.as_deref())
            .map_or((0.0, 0.0), |(_, a, b)| (*a, *b));
        let t = Traits {
            is_elected,
            affiliation,
            size_s,
            progressive: orient == "progressive",
            conservative: orient == "conservative",
            rural: size_s == "rural_area",
            size_e: lookup(&params.size_effect, size_s),
            typ_e,
            typ_v,
            u: self.resp_noise.sample(&mut rng),
        };
        let r = ds.push_respondent(Respondent {
            id: format!("syn-{:06}", i + 1),
            locality: loc.id.clone(),
            role: if is_elected { self.elected } else { self.official },
            affiliation,
        });
        for a in 0..ins.actors.len() {
            let latent = self.latent(a, &t);
            self.interactions(ds, &mut rng, r, a, latent, &t);
        }
        for (pi, it) in ins.perceptions.iter().enumerate() {
            if rng.random_bool(params.missing_rate.clamp(0.0, 1.0)) {
                continue;
            }
            let ans = self.perception(it, &t, &mut rng);
            ds.set_perception(r, pi, Some(ans));
        }
        let _: &mut dyn Rng = &mut rng;
    }

    /// The latent frequency with actor `a` in the last period, before the answer's noise.
    fn latent(&self, a: usize, t: &Traits<'_>) -> f64 {
        let (act, params) = (&self.ins.actors[a], self.params);
        let c = class_ix(act.class);
        let mut latent = params.class_base[c] + self.actor_off[a] + t.size_e + t.typ_e + t.u;
        if act.class == ActorClass::Vertical {
            latent += t.typ_v;
            if t.is_elected {
                latent += 0.3; // 003: vertical interactions are conducted by elected policymakers
            }
        }
        if t.progressive {
            latent += if act.class == ActorClass::Horizontal {
                params.progressive_horizontal
            } else {
                params.progressive_other
            };
        }
        if act.class == ActorClass::Horizontal && t.conservative && t.size_s != "medium_town" {
            // 003: in conservative small towns and rural areas officials lead horizontal contacts.
            latent += if t.is_elected { -0.3 } else { 0.2 };
        }
        if act.class == ActorClass::Internal && t.rural && !t.is_elected {
            latent += 0.3;
        }
        latent
    }

    /// The pandemic decline from the first period to the last with actor `a`.
    fn decline(&self, a: usize, rural: bool) -> f64 {
        let (act, params) = (&self.ins.actors[a], self.params);
        let mut decline = params.pandemic_decline;
        if rural {
            decline += params.rural_extra_decline;
        }
        if act.class == ActorClass::Internal {
            decline += params.internal_extra_decline;
        }
        if act.id == "national_government" {
            decline = -params.national_government_increase;
        }
        decline
    }

    /// The frequency and nature answers with actor `a`, period by period.
    fn interactions(
        &self,
        ds: &mut Dataset,
        rng: &mut ChaCha8Rng,
        r: usize,
        a: usize,
        latent: f64,
        t: &Traits<'_>,
    ) {
        let (ins, params) = (self.ins, self.params);
        let act = &ins.actors[a];
        let c = class_ix(act.class);
        let decline = self.decline(a, t.rural);
        let (first, last) = (0, self.last);
        for p in 0..ins.periods.len() {
            // Linear interpolation of the decline for periods between the first and last.
            let frac = if last == first { 0.0 } else { (last - p) as f64 / (last - first) as f64 };
            let lat = latent + decline * frac + self.noise.sample(rng);
            let f = lat.round().clamp(self.fmin, self.fmax);
            let missing = rng.random_bool(params.missing_rate.clamp(0.0, 1.0));
            if !missing {
                ds.set_freq(r, p, a, Some(f as u8));
            }
            if f > 0.0 && !rng.random_bool(params.missing_rate.clamp(0.0, 1.0)) {
                let mut nat = params.nature_base
                    + self.nature_off[a]
                    + params.nature_class[c]
                    + self.noise.sample(rng) * 0.8;
                if t.rural {
                    nat += params.nature_rural;
                }
                if t.progressive && act.class == ActorClass::Horizontal {
                    nat += 0.3;
                }
                let ans = nat
                    .round()
                    .clamp(ins.nature.answered_min as f64, ins.nature.answered_max as f64)
                    as i32;
                ds.set_nature(r, p, a, Some((ans + ins.nature.reported_offset) as i8));
            }
        }
    }

    /// An answer to perception item `it`.
    fn perception(
        &self,
        it: &PerceptionItem,
        t: &Traits<'_>,
        rng: &mut ChaCha8Rng,
    ) -> PerceptionAnswer {
        let (ins, params) = (self.ins, self.params);
        match it.kind {
            PerceptionKind::Scale => {
                let mut m = params.attitudes_base;
                let conservative_resp =
                    t.affiliation.is_some_and(|a| ins.affiliations[a].id == "conservative")
                        || (!t.is_elected && t.conservative);
                if conservative_resp {
                    m += params.attitudes_conservative;
                }
                m += match t.size_s {
                    "rural_area" => params.attitudes_rural,
                    "small_town" => params.attitudes_rural / 2.0,
                    _ => 0.0,
                };
                let v = (m + self.noise.sample(rng) * 1.2).round();
                PerceptionAnswer::Scale(
                    v.clamp(it.min.unwrap_or(1) as f64, it.max.unwrap_or(5) as f64) as i32,
                )
            }
            PerceptionKind::Choice => {
                let local = it.options.iter().position(|o| o.id == "local_government");
                if let Some(lg) = local
                    .filter(|_| rng.random_bool(params.local_responsibility_rate.clamp(0.0, 1.0)))
                {
                    PerceptionAnswer::Choice(lg)
                } else {
                    let others: Vec<usize> =
                        (0..it.options.len()).filter(|o| Some(*o) != local).collect();
                    PerceptionAnswer::Choice(others[rng.random_range(0..others.len().max(1))])
                }
            }
            PerceptionKind::Multi => {
                let chosen = it
                    .options
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| {
                        let p = if o.specialist == Some(true) {
                            params.specialist_source_rate
                        } else {
                            params.non_specialist_source_rate
                        };
                        rng.random_bool(p.clamp(0.0, 1.0))
                    })
                    .map(|(i, _)| i)
                    .collect();
                PerceptionAnswer::Multi(chosen)
            }
        }
    }
}
