//! A guard against differencing for group queries (means and counts of one measure over the
//! respondents a filter selects).
//!
//! # The attack
//! Two queries that are each large enough can differ by one person: the mean score of the
//! 12 respondents of country FR and the mean of the 11 of them in medium or large localities give,
//! by `12·m₁ − 11·m₂`, the score of the one respondent in a small locality. Per-query thresholds
//! cannot stop this (Hundepool et al. 2012, §5.4 "disclosure by differencing"), nor can requiring
//! each group's complement within its parent to be large: three or more overlapping queries
//! combine in the same way.
//!
//! # The rule
//! Answers are given only for unions of the blocks of one fixed partition of the contributors
//! (respondents with a value for the measure) in which every block holds at least `k` of them.
//! A query whose selection cuts through a block is refused ([`Refusal::SplitsGroup`]), never
//! silently widened. Then every answered selection is a union of blocks, the difference of two
//! selections is a union of blocks too (zero or at least `k` contributors), and any linear
//! combination of published sums is a combination of block sums: no combination of answers, however
//! many, isolates fewer than `k` contributors.
//!
//! # The partition
//! Contributors are keyed by their values of the grouping attributes, in the order given (coarse
//! to fine, e.g. country, size class, role). Recursively over that hierarchy:
//! a key with at least `k` contributors is a block; within a parent, the keys and sub-blocks left
//! over (fewer than `k`) are pooled; a pool of at least `k` becomes a block; a smaller pool joins
//! the smallest block of the same parent, or, if the parent has no block at all, goes up to the
//! grandparent's pool. Merging within the parent keeps queries on coarse attributes answerable.
//! If the whole set has fewer than `k` contributors it is one block, and every query refused.
//! Building costs `O(n log n)` for `n` contributors; a query costs `O(keys)`.
//!
//! # Conditions of the guarantee
//! * One guard per measure and per release: build it once from all contributions of the frozen
//!   data and answer every query of that release from it. Rebuilding after new responses arrive
//!   changes the partition, and answers from two releases can be differenced.
//! * Counts of the same respondents published elsewhere (a table through [`crate::protect`])
//!   are a second source an attacker can combine with; publish each respondent set through one
//!   mechanism.
//! * A block of `k` identical answers still reveals that answer for everyone in it (group
//!   disclosure); the rule bounds who can be singled out, not what a homogeneous group reveals.

use crate::Rules;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One respondent's contribution to a measure: the values of the grouping attributes (in the
/// guard's attribute order) and the respondent's value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// Attribute values, one per grouping attribute.
    pub key: Vec<String>,
    /// The measured value.
    pub value: f64,
}

/// A block of the partition: the keys it covers and its number of contributors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// The attribute keys in the block.
    pub keys: Vec<Vec<String>>,
    /// Contributors in the block.
    pub respondents: usize,
}

/// A conjunction of constraints "attribute ∈ allowed values"; attributes without a constraint
/// are free. [`Filter::all`] selects everyone.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    constraints: BTreeMap<String, BTreeSet<String>>,
}

impl Filter {
    /// Selects every respondent.
    pub fn all() -> Filter {
        Filter::default()
    }

    /// Adds the constraint that `attribute` takes one of `values` (replacing an earlier constraint
    /// on the same attribute).
    pub fn with<I, S>(mut self, attribute: &str, values: I) -> Filter
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.constraints
            .insert(attribute.to_string(), values.into_iter().map(Into::into).collect());
        self
    }
}

/// A published mean.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mean {
    /// Contributors behind it.
    pub respondents: usize,
    /// Their mean value.
    pub mean: f64,
}

/// Why a query is not answered, or the guard cannot be built.
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Refusal {
    /// The filter names an attribute the guard does not group by.
    #[error("unknown attribute {attribute:?} in the filter; the groups are defined by {known:?}")]
    UnknownAttribute {
        /// The attribute.
        attribute: String,
        /// The attributes the guard knows.
        known: Vec<String>,
    },
    /// The selection cuts through a protected group.
    #[error(
        "the filter separates respondents of a protected group (fewer than {min} respondents would be distinguishable); widen the filter, e.g. drop the constraint on the finest attribute"
    )]
    SplitsGroup {
        /// The minimum group size.
        min: u64,
    },
    /// The whole data set has fewer contributors than the minimum.
    #[error("fewer than {min} respondents contributed; nothing about them is published")]
    TooFew {
        /// The minimum group size.
        min: u64,
    },
    /// The selection holds nobody, so there is no mean.
    #[error("no respondent matches the filter")]
    NoRespondents,
    /// A contribution's key has the wrong length.
    #[error(
        "contribution {index} has {found} attribute values, expected {expected} ({attributes:?})"
    )]
    KeyLength {
        /// Index of the contribution.
        index: usize,
        /// Values found.
        found: usize,
        /// Attributes expected.
        expected: usize,
        /// The attributes.
        attributes: Vec<String>,
    },
    /// A contribution's value is NaN or infinite.
    #[error("contribution {index} has a non-finite value")]
    NotFinite {
        /// Index of the contribution.
        index: usize,
    },
}

/// Answers means and counts of one measure only over unions of the blocks of a fixed partition
/// with at least `k` contributors each (see the module documentation).
#[derive(Clone, Debug)]
pub struct Guard {
    attributes: Vec<String>,
    rules: Rules,
    /// Distinct keys with (contributors, sum of values).
    keys: BTreeMap<Vec<String>, (usize, f64)>,
    blocks: Vec<Block>,
    /// Key → block index.
    block_of: BTreeMap<Vec<String>, usize>,
}

impl Guard {
    /// Builds the partition for the contributions of one measure.
    ///
    /// # Errors
    /// [`Refusal::KeyLength`] or [`Refusal::NotFinite`] for a malformed contribution.
    pub fn new(
        attributes: &[&str],
        contributions: &[Contribution],
        rules: &Rules,
    ) -> Result<Guard, Refusal> {
        let attributes: Vec<String> = attributes.iter().map(|a| a.to_string()).collect();
        let mut keys: BTreeMap<Vec<String>, (usize, f64)> = BTreeMap::new();
        for (index, c) in contributions.iter().enumerate() {
            if c.key.len() != attributes.len() {
                return Err(Refusal::KeyLength {
                    index,
                    found: c.key.len(),
                    expected: attributes.len(),
                    attributes: attributes.clone(),
                });
            }
            if !c.value.is_finite() {
                return Err(Refusal::NotFinite { index });
            }
            let e = keys.entry(c.key.clone()).or_insert((0, 0.0));
            e.0 += 1;
            e.1 += c.value;
        }
        let k = usize::try_from(rules.min_cell.max(1)).unwrap_or(usize::MAX);
        let all: Vec<&Vec<String>> = keys.keys().collect();
        let (mut blocks, leftover) = partition(&all, 0, attributes.len(), &keys, k);
        if leftover.respondents > 0 || blocks.is_empty() {
            blocks.push(leftover);
        }
        let mut block_of = BTreeMap::new();
        for (i, b) in blocks.iter().enumerate() {
            for key in &b.keys {
                block_of.insert(key.clone(), i);
            }
        }
        Ok(Guard { attributes, rules: *rules, keys, blocks, block_of })
    }

    /// The grouping attributes.
    pub fn attributes(&self) -> &[String] {
        &self.attributes
    }

    /// The partition's blocks (every one has at least `k` contributors unless the whole data set
    /// has fewer).
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// The number of contributors the filter selects, if it may be published.
    ///
    /// # Errors
    /// [`Refusal::UnknownAttribute`], [`Refusal::SplitsGroup`], [`Refusal::TooFew`].
    pub fn count(&self, filter: &Filter) -> Result<usize, Refusal> {
        self.select(filter).map(|(n, _)| n)
    }

    /// The mean value over the contributors the filter selects, if it may be published.
    ///
    /// # Errors
    /// As [`Guard::count`], and [`Refusal::NoRespondents`] for an empty selection.
    pub fn mean(&self, filter: &Filter) -> Result<Mean, Refusal> {
        let (n, sum) = self.select(filter)?;
        if n == 0 {
            return Err(Refusal::NoRespondents);
        }
        Ok(Mean { respondents: n, mean: sum / n as f64 })
    }

    fn select(&self, filter: &Filter) -> Result<(usize, f64), Refusal> {
        let mut positions = Vec::new();
        for (attribute, allowed) in &filter.constraints {
            match self.attributes.iter().position(|a| a == attribute) {
                Some(p) => positions.push((p, allowed)),
                None => {
                    return Err(Refusal::UnknownAttribute {
                        attribute: attribute.clone(),
                        known: self.attributes.clone(),
                    });
                }
            }
        }
        let selected: Vec<&Vec<String>> = self
            .keys
            .keys()
            .filter(|key| positions.iter().all(|(p, allowed)| allowed.contains(&key[*p])))
            .collect();
        let mut per_block = vec![0usize; self.blocks.len()];
        for key in &selected {
            per_block[self.block_of[*key]] += 1;
        }
        for (b, &n) in self.blocks.iter().zip(&per_block) {
            if n > 0 && n < b.keys.len() {
                return Err(Refusal::SplitsGroup { min: self.rules.min_cell });
            }
        }
        let k = usize::try_from(self.rules.min_cell).unwrap_or(usize::MAX);
        if self.blocks.iter().zip(&per_block).any(|(b, &n)| n > 0 && b.respondents < k) {
            return Err(Refusal::TooFew { min: self.rules.min_cell });
        }
        Ok(selected.iter().fold((0, 0.0), |(n, s), key| {
            let (kn, ks) = self.keys[*key];
            (n + kn, s + ks)
        }))
    }
}

/// Convenience: builds a [`Guard`] and answers one mean. Use a kept [`Guard`] for several queries
/// on the same release.
///
/// # Errors
/// As [`Guard::new`] and [`Guard::mean`].
pub fn protected_mean(
    attributes: &[&str],
    contributions: &[Contribution],
    filter: &Filter,
    rules: &Rules,
) -> Result<Mean, Refusal> {
    Guard::new(attributes, contributions, rules)?.mean(filter)
}

/// Partitions `keys` (all sharing their first `depth` values) into complete blocks (≥ `k`) and a
/// leftover (< `k`, possibly empty) for the parent to pool.
fn partition(
    keys: &[&Vec<String>],
    depth: usize,
    width: usize,
    counts: &BTreeMap<Vec<String>, (usize, f64)>,
    k: usize,
) -> (Vec<Block>, Block) {
    let mut complete = Vec::new();
    let mut leftover = Block { keys: Vec::new(), respondents: 0 };
    if depth == width {
        // All keys are equal here: one distinct key.
        for key in keys {
            leftover.keys.push((*key).clone());
            leftover.respondents += counts[*key].0;
        }
    } else {
        let mut children: BTreeMap<&str, Vec<&Vec<String>>> = BTreeMap::new();
        for key in keys {
            children.entry(key[depth].as_str()).or_default().push(key);
        }
        for child in children.values() {
            let (blocks, rest) = partition(child, depth + 1, width, counts, k);
            complete.extend(blocks);
            leftover.keys.extend(rest.keys);
            leftover.respondents += rest.respondents;
        }
    }
    if leftover.respondents >= k {
        complete.push(std::mem::replace(&mut leftover, Block { keys: Vec::new(), respondents: 0 }));
    } else if leftover.respondents > 0
        && let Some(smallest) = complete.iter_mut().min_by_key(|b| b.respondents)
    {
        smallest.keys.append(&mut leftover.keys);
        smallest.respondents += leftover.respondents;
        leftover.respondents = 0;
    }
    (complete, leftover)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(key: &[&str], value: f64) -> Contribution {
        Contribution { key: key.iter().map(|s| s.to_string()).collect(), value }
    }

    #[test]
    fn small_keys_are_pooled_within_their_parent() {
        let mut data = Vec::new();
        for _ in 0..5 {
            data.push(c(&["FR", "large"], 1.0));
        }
        for _ in 0..2 {
            data.push(c(&["FR", "small"], 2.0));
        }
        for _ in 0..3 {
            data.push(c(&["FR", "medium"], 3.0));
        }
        for _ in 0..6 {
            data.push(c(&["IT", "large"], 4.0));
        }
        let g = Guard::new(&["country", "size"], &data, &Rules::default()).expect("guard");
        let mut sizes: Vec<usize> = g.blocks().iter().map(|b| b.respondents).collect();
        sizes.sort();
        assert_eq!(sizes, vec![5, 5, 6]); // FR small+medium pooled, FR large, IT large
        assert_eq!(g.count(&Filter::all().with("country", ["FR"])), Ok(10));
        assert_eq!(
            g.count(&Filter::all().with("size", ["small", "medium"]).with("country", ["FR"])),
            Ok(5)
        );
        assert_eq!(
            g.count(&Filter::all().with("size", ["small"])),
            Err(Refusal::SplitsGroup { min: 5 })
        );
    }
}
